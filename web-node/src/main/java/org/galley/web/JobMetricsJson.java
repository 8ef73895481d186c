package org.galley.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.galley.core.destinations.Destination;
import org.galley.core.destinations.Resources;
import org.galley.core.job.Job;
import org.galley.core.tools.Tool;

/**
 * {@code GET /api/jobs/{id}/metrics} in Galaxy's shape: a list of {@code {name, plugin, value,
 * raw_value, title}} like Galaxy's {@code core} job-metrics plugin. Read from the job row and the
 * tool: the start and end time and the runtime once the job has them, and the cores and memory
 * the job was given (the tool's request lowered to its destination's maxima). CPU time and peak
 * memory need the runner to report them and are not here yet.
 */
final class JobMetricsJson {
  private JobMetricsJson() {}

  /** @param tool the job's tool, if it is still configured; @param destination the job's destination, if known */
  static ArrayNode render(Job job, Optional<Tool> tool, Optional<Destination> destination) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    Optional<Resources> given = tool.map(t -> destination.map(d -> t.resources().clampedTo(d)).orElse(t.resources()));
    given.ifPresent(r -> {
      add(list, "galaxy_slots", r.cores(), Integer.toString(r.cores()), "Cores Allocated");
      r.memMb().ifPresent(mb -> add(list, "galaxy_memory_mb", mb, Long.toString(mb), "Memory Allocated (MB)"));
    });
    if (job.startTime() != null) {
      add(list, "start_epoch", job.startTime().toEpochMilli() / 1000.0, job.startTime().toString(), "Job Start Time");
    }
    if (job.endTime() != null) {
      add(list, "end_epoch", job.endTime().toEpochMilli() / 1000.0, job.endTime().toString(), "Job End Time");
    }
    if (job.startTime() != null && job.endTime() != null) {
      double seconds = Duration.between(job.startTime(), job.endTime()).toNanos() / 1e9;
      add(list, "runtime_seconds", seconds, runtime(seconds), "Job Runtime (Wall Clock)");
    }
    return list;
  }

  private static void add(ArrayNode list, String name, double raw, String value, String title) {
    list.addObject().put("name", name).put("plugin", "core").put("value", value)
        // Galaxy keeps metrics as decimals with 7 places and shows raw_value as that text.
        .put("raw_value", String.format(Locale.ROOT, "%.7f", raw)).put("title", title);
  }

  /** As Galaxy words a runtime: "3 seconds", "2 minutes", "1 hour and 5 minutes". */
  static String runtime(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + (s == 1 ? " second" : " seconds");
    }
    if (s < 3600) {
      long m = s / 60;
      return m + (m == 1 ? " minute" : " minutes");
    }
    long h = s / 3600;
    long m = (s % 3600) / 60;
    return h + (h == 1 ? " hour" : " hours") + (m == 0 ? "" : " and " + m + (m == 1 ? " minute" : " minutes"));
  }
}
