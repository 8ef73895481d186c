package org.galley.web.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.galley.protocol.DispatchProtocol.HandlerDescription;
import org.junit.jupiter.api.Test;
import org.galley.web.http.Json;

class HandlerJsonTest {
  static final HandlerDescription H1 = new HandlerDescription("h1", "pekko://galley@host:2552", List.of("a", "b"),
      8, 3, 5, false, Instant.parse("2024-05-01T12:00:00.123Z").toEpochMilli());
  static final HandlerDescription H2 = new HandlerDescription("h2", "pekko://galley@other:2552", List.of("a"),
      1, 0, 1, true, 0);

  /** Through text, as a client sees it: Jackson trees tell an int 1 from a long 1. */
  static JsonNode asClientSees(JsonNode node) throws Exception {
    return Json.MAPPER.readTree(node.toString());
  }

  @Test
  void showsEachHandlerWithItsCapacityAndEveryDrainSorted() throws Exception {
    JsonNode expected = Json.MAPPER.readTree("""
        {"handlers": [
           {"name": "h1", "address": "pekko://galley@host:2552", "pools": ["a", "b"], "workers": 8, "running": 3,
            "free_slots": 5, "drained": true, "up_since": "2024-05-01T12:00:00.123Z"},
           {"name": "h2", "address": "pekko://galley@other:2552", "pools": ["a"], "workers": 1, "running": 0,
            "free_slots": 1, "drained": false, "up_since": "1970-01-01T00:00:00Z"}],
         "drained": ["gone", "h1", "not-yet"]}
        """);
    assertEquals(expected, asClientSees(HandlerJson.renderList(List.of(H1, H2), Set.of("not-yet", "h1", "gone"))));
  }

  @Test
  void takesDrainedFromTheSameSetAsTheListSoOneAnswerAgreesWithItself() {
    JsonNode list = HandlerJson.renderList(List.of(H2), Set.of());
    assertEquals(false, list.get("handlers").get(0).get("drained").asBoolean(), "the set says not drained");
  }

  @Test
  void aChangeAnswersWithTheHandlersStateAndEveryDrainSorted() throws Exception {
    assertEquals(Json.MAPPER.readTree("{\"name\": \"h1\", \"drained\": true, \"drained_handlers\": [\"a\", \"h1\"]}"),
        asClientSees(HandlerJson.renderChange("h1", Set.of("h1", "a"))));
    assertEquals(Json.MAPPER.readTree("{\"name\": \"h1\", \"drained\": false, \"drained_handlers\": []}"),
        asClientSees(HandlerJson.renderChange("h1", Set.of())));
  }
}
