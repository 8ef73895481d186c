package org.galley.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./galley bench startup}: how long an all-in-one node on its own embedded PostgreSQL takes
 * from its JVM's start until {@code GET /api/version} answers, on existing state (as {@code ./galley
 * run} a second time): one unmeasured first start makes the state, then {@code startups} starts with
 * the distribution's class-data-sharing archive and as many without it ({@code -Xshare:off}),
 * alternating, so both see the same machine. Each line gives the median (p50) and the spread of the
 * starts and {@code cpu_ms}, the median CPU the node's JVM used until it answered.
 */
final class Startup {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

  private final BenchSettings settings;

  Startup(BenchSettings settings) {
    this.settings = settings;
  }

  List<Result> run() throws Exception {
    Path dir = settings.runDir().resolve("startup");
    boolean haveArchive = !settings.cdsOptions().isEmpty();
    start(dir, settings.cdsOptions()); // makes the state: initdb, migrations, admin key
    List<double[]> with = new ArrayList<>();
    List<double[]> without = new ArrayList<>();
    for (int i = 0; i < settings.startups(); i++) {
      if (haveArchive) {
        with.add(start(dir, settings.cdsOptions()));
      }
      without.add(start(dir, List.of("-Xshare:off")));
    }
    List<Result> out = new ArrayList<>();
    if (haveArchive) {
      out.add(result("startup", with));
    } else {
      System.err.println("bench: no dist/galley.jsa (./galley build makes it): startup measured without it only");
    }
    out.add(result("startup-no-cds", without));
    return out;
  }

  /** One start to /api/version and a stop; {ms to answer, CPU ms of the JVM by then}. */
  private double[] start(Path dir, List<String> extraJvm) throws Exception {
    int http = NodeProcess.freePort();
    List<String> jvm = new ArrayList<>(settings.nodeJvmOptions());
    jvm.addAll(extraJvm);
    List<String> props = new ArrayList<>(List.of(
        "-Dgalley.var-dir=" + dir,
        "-Dgalley.http.port=" + http,
        "-Dgalley.cluster.port=" + NodeProcess.freePort(),
        "-Dgalley.management.port=" + NodeProcess.freePort()));
    props.addAll(settings.nodeProperties());
    long t0 = System.nanoTime();
    try (NodeProcess node = NodeProcess.start("startup", settings.dist(), jvm, props, "org.galley.ops.Main", dir)) {
      node.awaitHttp("http://127.0.0.1:" + http + "/api/version", START_TIMEOUT, Duration.ofMillis(10));
      double ms = (System.nanoTime() - t0) / 1e6;
      double cpuMs = ProcStats.cpuTicks(node.pid()) * 1000.0 / ProcStats.CLOCK_TICKS_PER_SECOND;
      System.err.printf("bench: startup %s: %.0f ms (%.0f ms CPU)%n", extraJvm.isEmpty() ? "" : extraJvm.get(0), ms, cpuMs);
      return new double[] {ms, cpuMs};
    }
  }

  private static Result result(String name, List<double[]> starts) {
    double[] ms = starts.stream().mapToDouble(s -> s[0]).toArray();
    double[] cpu = starts.stream().mapToDouble(s -> s[1]).sorted().toArray();
    return new Result(name, 0, Result.percentile(sorted(ms), 50) / 1000, Result.NONE, ms, Result.NONE, Map.of())
        .with("starts", Integer.toString(ms.length))
        .with("cpu_ms", Result.fmt(Result.percentile(cpu, 50), 0));
  }

  private static double[] sorted(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s;
  }
}
