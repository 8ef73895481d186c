package org.galley.web.galaxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.galley.core.destinations.Destination;
import org.galley.core.destinations.Resources;
import org.galley.core.job.Job;
import org.galley.core.job.JobUsage;
import org.galley.core.tools.Tool;
import org.galley.web.http.Json;

/**
 * {@code GET /api/jobs/{id}/metrics} in Galaxy's shape: a list of {@code {name, plugin, value,
 * raw_value, title}}. Galaxy's {@code core} plugin's metrics from the job row and the tool: the
 * start and end time and the runtime once the job has them, and the cores and memory the job was
 * given (the tool's request lowered to its destination's maxima). What the work used, as its
 * runner measured it (getrusage of the tool, see the handler's {@code ResourceUsage}), under the
 * names and units of Galaxy's {@code cgroup} plugin (cgroup v2) so that scripts reading those work:
 * {@code cpu.stat.user_usec}, {@code cpu.stat.system_usec} (microseconds) and {@code memory.peak}
 * (bytes; here the largest max RSS among the tool's processes, not a cgroup's peak). Galaxy has no
 * metric for the signal that ended a tool: it is Galley's own {@code exit_signal}.
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
    JobUsage used = job.usage();
    if (used.cpuUserSeconds() != null) {
      add(list, CGROUP, "cpu.stat.user_usec", Math.round(used.cpuUserSeconds() * 1e6), cpuTime(used.cpuUserSeconds()),
          "CPU user time");
    }
    if (used.cpuSystemSeconds() != null) {
      add(list, CGROUP, "cpu.stat.system_usec", Math.round(used.cpuSystemSeconds() * 1e6),
          cpuTime(used.cpuSystemSeconds()), "CPU system time");
    }
    if (used.peakMemoryBytes() != null) {
      add(list, CGROUP, "memory.peak", used.peakMemoryBytes(), niceSize(used.peakMemoryBytes()), "Max memory usage recorded");
    }
    if (used.exitSignal() != null) {
      add(list, GALLEY, "exit_signal", used.exitSignal(), signalName(used.exitSignal()), "Killed by signal");
    }
    return list;
  }

  private static final String CORE = "core";
  private static final String CGROUP = "cgroup";
  private static final String GALLEY = "galley";

  private static void add(ArrayNode list, String name, double raw, String value, String title) {
    add(list, CORE, name, raw, value, title);
  }

  private static void add(ArrayNode list, String plugin, String name, double raw, String value, String title) {
    list.addObject().put("name", name).put("plugin", plugin).put("value", value)
        // Galaxy keeps metrics as decimals with 7 places and shows raw_value as that text.
        .put("raw_value", String.format(Locale.ROOT, "%.7f", raw)).put("title", title);
  }

  /** A CPU time: to the hundredth of a second below a minute, else as a runtime. */
  static String cpuTime(double seconds) {
    return seconds < 59.995 ? String.format(Locale.ROOT, "%.2f seconds", seconds) : runtime(seconds);
  }

  /** As Galaxy's {@code nice_size} words a size: "512 bytes", "100.0 MB" (units of 1024). */
  static String niceSize(long bytes) {
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    String[] units = {"KB", "MB", "GB", "TB", "PB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static final String[] SIGNALS = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
      "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
      "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
      "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

  /** "SIGKILL (9)", with Linux's numbering; "signal 40" beyond it. */
  static String signalName(int signal) {
    return signal > 0 && signal < SIGNALS.length ? SIGNALS[signal] + " (" + signal + ")" : "signal " + signal;
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
