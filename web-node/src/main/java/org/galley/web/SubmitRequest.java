package org.galley.web;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/jobs}: {@code {"tool_id": "...", "inputs": {...}}}. Inputs are
 * kept as Jackson reads them; {@code ToolRegistry.validate} decides what they mean.
 */
record SubmitRequest(String toolId, Map<String, Object> inputs) {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final List<String> FIELDS = List.of("tool_id", "inputs");

  SubmitRequest {
    // Not Map.copyOf: a client may send null values, and validation, not parsing, refuses them.
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /** @throws ApiException 400 naming the field at fault */
  static SubmitRequest parse(byte[] body) {
    ObjectNode object = Json.readObject(body, FIELDS);
    JsonNode toolId = object.get("tool_id");
    if (toolId == null || toolId.isNull()) {
      throw ApiException.malformed("tool_id is missing");
    }
    if (!toolId.isTextual()) {
      throw ApiException.malformed("tool_id must be a string, got " + Json.kind(toolId));
    }
    JsonNode inputs = object.get("inputs");
    // A tool without required parameters may be run with no inputs at all.
    if (inputs == null) {
      return new SubmitRequest(toolId.asText(), Map.of());
    }
    if (!inputs.isObject()) {
      throw ApiException.malformed("inputs must be a JSON object, got " + Json.kind(inputs));
    }
    return new SubmitRequest(toolId.asText(), Json.MAPPER.convertValue(inputs, MAP));
  }
}
