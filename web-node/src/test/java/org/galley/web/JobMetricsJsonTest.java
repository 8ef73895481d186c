package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.galley.core.job.Job;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.Test;

/** Galaxy's job-metrics shape from a job row: which metrics appear when, and their words. */
class JobMetricsJsonTest {
  private static final Job ENDED = new Job(7, "alice", "sort_lines", "1.0", Map.<String, Object>of("text", "b\na"),
      "default", "handler-a", JobState.OK, 1, "local", "4242", 0, null, "/var/jobs/7",
      Instant.parse("2024-05-01T12:00:00Z"), Instant.parse("2024-05-01T12:01:05Z"),
      Instant.parse("2024-05-01T12:00:00.500Z"), Instant.parse("2024-05-01T12:01:05Z"), null, null);

  @Test
  void anEndedJobHasItsTimesAndRuntime() {
    JsonNode list = JobMetricsJson.render(ENDED, Optional.empty(), Optional.empty());
    List<String> names = new ArrayList<>();
    list.forEach(m -> names.add(m.get("name").asText()));
    assertEquals(List.of("start_epoch", "end_epoch", "runtime_seconds"), names, "no tool: no slots or memory");
    JsonNode runtime = list.get(2);
    assertEquals("64.5000000", runtime.get("raw_value").asText());
    assertEquals("1 minute", runtime.get("value").asText());
    assertEquals("core", runtime.get("plugin").asText());
  }

  @Test
  void runtimesAreWordedAsGalaxyDoes() {
    assertEquals("1 second", JobMetricsJson.runtime(1.2));
    assertEquals("59 seconds", JobMetricsJson.runtime(59));
    assertEquals("2 minutes", JobMetricsJson.runtime(150));
    assertEquals("1 hour and 5 minutes", JobMetricsJson.runtime(3900));
    assertEquals("2 hours", JobMetricsJson.runtime(7200));
  }
}
