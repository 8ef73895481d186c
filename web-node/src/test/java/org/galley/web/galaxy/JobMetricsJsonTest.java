package org.galley.web.galaxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.galley.core.job.Job;
import org.galley.core.job.JobUsage;
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
  void whatTheWorkUsedComesUnderGalaxysCgroupNamesAndTheSignalUnderGalleys() {
    Job used = new Job(ENDED.id(), ENDED.owner(), ENDED.toolId(), ENDED.toolVersion(), ENDED.inputs(), ENDED.pool(),
        ENDED.handler(), JobState.ERROR, 1, "local", "4242", 137, "exit code 137", ENDED.workingDirectory(),
        ENDED.createTime(), ENDED.updateTime(), ENDED.startTime(), ENDED.endTime(), null, null,
        new JobUsage(1.5, 0.25, 104_857_600L, 9));
    JsonNode list = JobMetricsJson.render(used, Optional.empty(), Optional.empty());
    List<String> names = new ArrayList<>();
    list.forEach(m -> names.add(m.get("plugin").asText() + "/" + m.get("name").asText()));
    assertEquals(List.of("core/start_epoch", "core/end_epoch", "core/runtime_seconds", "cgroup/cpu.stat.user_usec",
        "cgroup/cpu.stat.system_usec", "cgroup/memory.peak", "galley/exit_signal"), names);
    assertEquals("1500000.0000000", list.get(3).get("raw_value").asText(), "microseconds, as Galaxy's cgroup plugin");
    assertEquals("1.50 seconds", list.get(3).get("value").asText());
    assertEquals("CPU system time", list.get(4).get("title").asText());
    assertEquals("104857600.0000000", list.get(5).get("raw_value").asText());
    assertEquals("100.0 MB", list.get(5).get("value").asText());
    assertEquals("SIGKILL (9)", list.get(6).get("value").asText());
    assertEquals(3, JobMetricsJson.render(ENDED, Optional.empty(), Optional.empty()).size(), "unmeasured: nothing more");
  }

  @Test
  void sizesAndSignalsAreWorded() {
    assertEquals("512 bytes", JobMetricsJson.niceSize(512));
    assertEquals("1.5 KB", JobMetricsJson.niceSize(1536));
    assertEquals("2.0 GB", JobMetricsJson.niceSize(2L << 30));
    assertEquals("SIGTERM (15)", JobMetricsJson.signalName(15));
    assertEquals("signal 40", JobMetricsJson.signalName(40));
    assertEquals("2 minutes", JobMetricsJson.cpuTime(125));
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
