package org.galley.web.galaxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.galley.web.http.ApiException;
import org.galley.web.http.Json;
import org.galley.web.jobs.SubmitRequest;

/**
 * Galaxy's tool execution payload ({@code POST /api/tools}): {@code tool_id}, {@code inputs},
 * and of Galaxy's own fields those Galley can honour: {@code tool_version} (must be the tool's),
 * {@code history_id} (Galley has no histories: it is checked and echoed, not stored) and
 * {@code input_format} ({@code legacy} or {@code 21.01}: both read the flat inputs Galley tools
 * take). Any other field is refused, so that a client does not believe it took effect.
 */
record GalaxyToolRequest(SubmitRequest submit, Optional<String> toolVersion, Optional<String> historyId) {
  static final List<String> FIELDS = List.of("tool_id", "inputs", "tool_version", "history_id", "input_format");
  private static final int MAX_HISTORY_ID = 255;

  /** @throws ApiException 400 naming the field at fault */
  static GalaxyToolRequest parse(byte[] body) {
    ObjectNode object = Json.readObject(body, FIELDS);
    JsonNode format = object.remove("input_format");
    if (format != null && !format.isNull()
        && !(format.isTextual() && List.of("legacy", "21.01").contains(format.asText()))) {
      throw ApiException.malformed("input_format: expected \"legacy\" or \"21.01\", got " + Json.kind(format));
    }
    Optional<String> version = text(object.remove("tool_version"), "tool_version", 255);
    Optional<String> history = text(object.remove("history_id"), "history_id", MAX_HISTORY_ID);
    return new GalaxyToolRequest(SubmitRequest.parse(object), version, history);
  }

  private static Optional<String> text(JsonNode node, String name, int max) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw ApiException.malformed(name + " must be a string, got " + Json.kind(node));
    }
    if (node.asText().length() > max || node.asText().isBlank()) {
      throw ApiException.malformed(name + ": 1 to " + max + " characters");
    }
    return Optional.of(node.asText());
  }
}
