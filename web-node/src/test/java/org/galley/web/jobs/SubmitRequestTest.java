package org.galley.web.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.galley.web.http.ApiException;
import org.galley.web.http.ErrorCode;

class SubmitRequestTest {

  static SubmitRequest parse(String body) {
    return SubmitRequest.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  static String refusal(String body) {
    ApiException e = assertThrows(ApiException.class, () -> parse(body));
    assertEquals(ErrorCode.MALFORMED_BODY, e.code());
    return e.getMessage();
  }

  @Test
  void readsToolIdAndInputsAsJacksonTypes() {
    SubmitRequest r = parse("{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"b\", \"n\": 3, \"x\": 1.5, \"f\": true}}");
    assertEquals("sort_lines", r.toolId());
    assertEquals(Map.of("text", "b", "n", 3, "x", 1.5, "f", true), r.inputs());
  }

  @Test
  void missingInputsMeansNone() {
    assertEquals(Map.of(), parse("{\"tool_id\": \"word_count\"}").inputs());
  }

  @Test
  void saysWhenTheBodyIsNotJson() {
    assertTrue(refusal("{\"tool_id\": ").contains("not valid JSON"));
    assertTrue(refusal("").contains("empty"));
    assertTrue(refusal("{\"tool_id\": \"a\"} trailing").contains("not valid JSON"));
  }

  @Test
  void saysWhenTheBodyIsNotAnObject() {
    assertTrue(refusal("[1, 2]").contains("must be a JSON object, got an array"));
    assertTrue(refusal("\"x\"").contains("got a string"));
  }

  @Test
  void namesAMissingOrMistypedToolId() {
    assertEquals("tool_id is missing", refusal("{\"inputs\": {}}"));
    assertEquals("tool_id must be a string, got a number", refusal("{\"tool_id\": 7}"));
  }

  @Test
  void saysWhenInputsAreNotAnObject() {
    assertEquals("inputs must be a JSON object, got an array", refusal("{\"tool_id\": \"a\", \"inputs\": [1]}"));
  }

  @Test
  void refusesUnknownAndRepeatedFields() {
    assertTrue(refusal("{\"tool_id\": \"a\", \"input\": {}}").contains("unknown field 'input'"));
    assertTrue(refusal("{\"tool_id\": \"a\", \"tool_id\": \"b\"}").contains("Duplicate field 'tool_id'"));
  }
}
