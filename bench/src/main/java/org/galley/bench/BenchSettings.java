package org.galley.bench;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The bench's knobs, from {@code -Dgalley.bench.*} system properties; every other {@code -Dgalley.*}
 * property is passed on to the Galley nodes it starts.
 *
 * @param dist the distribution's lib folder (ops/target/dist/lib)
 * @param runDir where this run's state directories and logs go
 * @param jobs jobs of a burst
 * @param connections concurrent HTTP connections of a burst
 * @param batch jobs per POST in the burst-batch scenario
 * @param warmupJobs noop jobs submitted (burst-style) and waited for before a measured burst
 * @param trickleRate jobs per second of a trickle
 * @param trickleSeconds how long a trickle is measured
 * @param warmupSeconds trickle run first, unmeasured, to warm the JIT
 * @param idleSeconds how long idle CPU is measured
 * @param idleSettleSeconds how long the idle nodes run, unmeasured, before that: start-up work
 *     (the JIT compiling the timers' code paths, cluster gossip settling) takes a minute or two
 * @param bigTableRows finished jobs put in the table for big-table
 * @param requests GETs measured per route in big-table
 * @param workers {@code galley.handler.workers} of the handler(s) started
 * @param floorThreads concurrent JDBC loops (connections) of db-floor
 * @param startups measured starts of the startup scenario, with the archive and without each
 * @param scaleHandlers handler JVMs of the scale scenario (beside its one web node)
 */
record BenchSettings(Path dist, Path runDir, int jobs, int connections, int batch, int warmupJobs, int trickleRate,
    int trickleSeconds, int warmupSeconds, int idleSeconds, int idleSettleSeconds, int bigTableRows, int requests, int workers,
    int floorThreads, int startups, int scaleHandlers,
    List<String> nodeJvmOptions, List<String> nodeProperties) {

  static BenchSettings fromSystemProperties() {
    Properties p = System.getProperties();
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    List<String> forwarded = new ArrayList<>();
    for (Map.Entry<Object, Object> e : p.entrySet()) {
      String k = e.getKey().toString();
      if (k.startsWith("galley.") && !k.startsWith("galley.bench.")) {
        forwarded.add("-D" + k + "=" + e.getValue());
      }
    }
    forwarded.sort(null);
    return new BenchSettings(
        Path.of(p.getProperty("galley.bench.dist", "ops/target/dist/lib")).toAbsolutePath(),
        Path.of(p.getProperty("galley.bench.var", "bench/target/runs")).resolve(stamp).toAbsolutePath(),
        positive(p, "galley.bench.jobs", 20_000),
        positive(p, "galley.bench.connections", 32),
        positive(p, "galley.bench.batch", 100),
        positive(p, "galley.bench.warmup-jobs", 2_000),
        positive(p, "galley.bench.trickle-rate", 20),
        positive(p, "galley.bench.trickle-seconds", 30),
        positive(p, "galley.bench.warmup-seconds", 5),
        positive(p, "galley.bench.idle-seconds", 60),
        positive(p, "galley.bench.idle-settle-seconds", 60),
        positive(p, "galley.bench.big-table-rows", 1_000_000),
        positive(p, "galley.bench.requests", 1_000),
        positive(p, "galley.bench.workers", 32),
        positive(p, "galley.bench.floor-threads", 4),
        positive(p, "galley.bench.startups", 5),
        positive(p, "galley.bench.scale-handlers", 12),
        List.of(p.getProperty("galley.bench.node-opts", "-XX:+UseSerialGC -Xms24m -Xmx160m -Xss512k -XX:ReservedCodeCacheSize=64m -XX:-UsePerfData").trim().split("\\s+")),
        List.copyOf(forwarded));
  }

  private static int positive(Properties p, String key, int def) {
    int v = Integer.parseInt(p.getProperty(key, Integer.toString(def)).replace("_", ""));
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + v);
    }
    return v;
  }

  @Override
  public String toString() {
    return "jobs=" + jobs + " connections=" + connections + " batch=" + batch + " warmup-jobs=" + warmupJobs
        + " trickle=" + trickleRate + "/s for " + trickleSeconds + " s (+" + warmupSeconds + " s warm-up)"
        + " idle=" + idleSeconds + " s (after " + idleSettleSeconds + " s) big-table-rows=" + bigTableRows + " requests=" + requests
        + " workers=" + workers + " floor-threads=" + floorThreads + " startups=" + startups
        + " scale-handlers=" + scaleHandlers + " node-opts=" + String.join(" ", nodeJvmOptions)
        + (nodeProperties.isEmpty() ? "" : " node-properties=" + nodeProperties)
        + "\n  dist=" + dist + "\n  state=" + runDir;
  }

  /**
   * JVM options that map the distribution's class-data-sharing archive ({@code dist/galley.jsa},
   * made by {@code ./galley build}), as {@code ./galley run} does; none when it is missing.
   */
  List<String> cdsOptions() {
    Path archive = dist.resolveSibling("galley.jsa");
    return java.nio.file.Files.isRegularFile(archive)
        ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off")
        : List.of();
  }

  static List<String> split(String s) {
    return Arrays.stream(s.split("\\s+")).filter(x -> !x.isBlank()).toList();
  }
}
