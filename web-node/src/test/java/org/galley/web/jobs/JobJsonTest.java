package org.galley.web.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.galley.core.job.Job;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.Test;
import org.galley.web.auth.Caller;
import org.galley.web.http.Json;

class JobJsonTest {
  static final List<String> ADMIN_ONLY =
      List.of("owner", "pool", "attempt", "runner", "external_id", "external_name", "destination", "working_directory");

  static final Job RUNNING = new Job(7, "alice", "sort_lines", "1.0", Map.of("text", "b\na", "n", 2L),
      "default", "handler-a", JobState.RUNNING, 2, "local", "4242", null, null, "/var/jobs/7",
      Instant.parse("2024-05-01T12:00:00Z"), Instant.parse("2024-05-01T12:00:01.5Z"),
      Instant.parse("2024-05-01T12:00:01.5Z"), null, null, null);

  @Test
  void showsAUserTheJobInSnakeCaseWithIsoTimes() throws Exception {
    JsonNode json = JobJson.render(RUNNING, new Caller("alice", false));
    JsonNode expected = Json.MAPPER.readTree("""
        {"id": 7, "state": "running", "tool_id": "sort_lines", "tool_version": "1.0",
         "inputs": {"text": "b\\na", "n": 2},
         "create_time": "2024-05-01T12:00:00Z", "update_time": "2024-05-01T12:00:01.500Z",
         "start_time": "2024-05-01T12:00:01.500Z", "end_time": null,
         "exit_code": null, "handler": "handler-a", "info": null}
        """);
    // Through text, as a client sees it: Jackson trees tell an int 2 from a long 2.
    assertEquals(expected, Json.MAPPER.readTree(json.toString()));
  }

  @Test
  void hidesWhereAndHowAJobRunsFromUsers() {
    JsonNode json = JobJson.render(RUNNING, new Caller("alice", false));
    ADMIN_ONLY.forEach(f -> assertFalse(json.has(f), f));
  }

  @Test
  void showsAdminsWhereAndHowAJobRuns() {
    JsonNode json = JobJson.render(RUNNING, new Caller("admin", true));
    ADMIN_ONLY.forEach(f -> assertTrue(json.has(f), f));
    assertEquals("alice", json.get("owner").asText());
    assertEquals(2, json.get("attempt").asInt());
    assertEquals("4242", json.get("external_id").asText());
    assertEquals("/var/jobs/7", json.get("working_directory").asText());
  }
}
