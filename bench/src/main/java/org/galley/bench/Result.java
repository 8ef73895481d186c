package org.galley.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One scenario's figures, printed as one line:
 * {@code scenario=... jobs=... seconds=... jobs_per_s=... p50_ms=... p95_ms=... p99_ms=... rss_mb=...},
 * then any extra {@code key=value} a scenario adds (idle: {@code cpu_pct}). A figure that does not
 * apply is {@code -}.
 */
record Result(String scenario, long jobs, double seconds, double jobsPerSecond, double[] latenciesMs, double rssMb,
    Map<String, String> extra) {

  static final double NONE = Double.NaN;

  Result {
    extra = new LinkedHashMap<>(extra);
  }

  Result with(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(extra);
    more.put(key, value);
    return new Result(scenario, jobs, seconds, jobsPerSecond, latenciesMs, rssMb, more);
  }

  String line() {
    double[] sorted = latenciesMs.clone();
    Arrays.sort(sorted);
    StringBuilder b = new StringBuilder()
        .append("scenario=").append(scenario)
        .append(" jobs=").append(jobs)
        .append(" seconds=").append(fmt(seconds, 2))
        .append(" jobs_per_s=").append(fmt(jobsPerSecond, 0))
        .append(" p50_ms=").append(fmt(percentile(sorted, 50), 1))
        .append(" p95_ms=").append(fmt(percentile(sorted, 95), 1))
        .append(" p99_ms=").append(fmt(percentile(sorted, 99), 1))
        .append(" rss_mb=").append(fmt(rssMb, 0));
    extra.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    return b.toString();
  }

  /** Nearest-rank percentile of sorted values; NaN when there are none. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return NONE;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static String fmt(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
