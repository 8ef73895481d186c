package org.galley.ops.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How a frame of {@code galley top} words the API's answers. */
class TopViewTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aFrameCountsSlotsQueueAndRecentEnds() throws Exception {
    Instant now = Instant.parse("2026-12-01T10:00:30Z");
    JsonNode handlers = JSON.readTree("""
        {"handlers": [{"name": "h0", "pools": ["default"], "workers": 4, "running": 3, "free_slots": 1, "drained": false},
                      {"name": "h1", "pools": ["big"], "workers": 2, "running": 0, "free_slots": 0, "drained": true}]}""");
    JsonNode fresh = JSON.readTree("[{\"pool\": \"big\"}, {\"pool\": \"default\"}, {\"pool\": \"big\"}]");
    JsonNode ended = JSON.readTree("""
        [{"update_time": "2026-12-01T10:00:29Z"}, {"update_time": "2026-12-01T10:00:21Z"},
         {"update_time": "2026-12-01T10:00:10Z"}]""");
    String frame = TopView.render(now, false, handlers, fresh, ended);
    assertTrue(frame.contains("10:00:30 UTC   job lock off   ended/s 0.2"), frame);
    assertTrue(frame.matches("(?s).*\\nh1\\s+big\\s+2\\s+0\\s+0\\s+yes\\s*\\n.*"), frame);
    assertTrue(frame.matches("(?s).*\\n\\(all\\)\\s+6\\s+3\\s+\\n.*"), frame);
    assertTrue(frame.matches("(?s).*\\nbig\\s+2\\ndefault\\s+1\\n.*"), frame);
  }
}
