package org.galley.web.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.galley.web.http.ApiException;
import org.galley.web.http.Json;

/**
 * The body of {@code POST /api/jobs}: {@code {"tool_id": "...", "inputs": {...}}}. Inputs are
 * kept as Jackson reads them; {@code ToolRegistry.validate} decides what they mean.
 */
public record SubmitRequest(String toolId, Map<String, Object> inputs) {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final List<String> FIELDS = List.of("tool_id", "inputs");

  public SubmitRequest {
    // Not Map.copyOf: a client may send null values, and validation, not parsing, refuses them.
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /** The most tool executions one batch submit may carry. */
  static final int MAX_BATCH = 1_000;

  /**
   * A body of {@code POST /api/jobs}: one request object, or a JSON list of them (batch mode, as in
   * Galaxy), at most {@link #MAX_BATCH}.
   *
   * @param list whether the body was a list, so the answer is one too
   */
  record Body(List<SubmitRequest> requests, boolean list) {}

  /** @throws ApiException 400 naming the field (and, in a list, the element) at fault */
  static Body parseBody(byte[] body) {
    int i = 0;
    while (i < body.length && Character.isWhitespace(body[i])) {
      i++;
    }
    if (i == body.length || body[i] != '[') {
      return new Body(List.of(parse(body)), false);
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw ApiException.malformed("request body is not valid JSON: " + e.getMessage());
    }
    if (node.isEmpty()) {
      throw ApiException.malformed("the list of jobs is empty");
    }
    if (node.size() > MAX_BATCH) {
      throw ApiException.malformed("a list holds at most " + MAX_BATCH + " jobs, got " + node.size());
    }
    List<SubmitRequest> out = new java.util.ArrayList<>(node.size());
    for (int k = 0; k < node.size(); k++) {
      JsonNode element = node.get(k);
      if (!(element instanceof ObjectNode object)) {
        throw ApiException.malformed("[" + k + "]: each job must be a JSON object, got " + Json.kind(element));
      }
      try {
        out.add(parse(Json.checkFields(object, FIELDS)));
      } catch (ApiException e) {
        throw new ApiException(e.code(), "[" + k + "]: " + e.getMessage());
      }
    }
    return new Body(List.copyOf(out), true);
  }

  /** @throws ApiException 400 naming the field at fault */
  static SubmitRequest parse(byte[] body) {
    return parse(Json.readObject(body, FIELDS));
  }

  public static SubmitRequest parse(ObjectNode object) {
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
