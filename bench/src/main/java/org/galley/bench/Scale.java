package org.galley.bench;

import java.util.Arrays;
import java.util.List;

/**
 * {@code ./galley bench scale}: what a big cluster costs on one machine. One web node (the seed)
 * and {@code scale-handlers} (12) handler JVMs of no-op jobs on the bench's {@code galley db}; once
 * they are ready and settled, the idle CPU of every node is summed (as {@code idle} measures one),
 * then a trickle through the web node gives the dispatch latency (201 → start_time, as
 * {@code trickle-split}) and a burst of {@code jobs} no-op jobs, {@code batch} per POST, the
 * throughput. Not part of a plain {@code ./galley bench}: starting 13 JVMs and settling takes
 * minutes.
 */
final class Scale {
  private final BenchSettings settings;
  private final Scenarios scenarios;

  Scale(BenchSettings settings, Scenarios scenarios) {
    this.settings = settings;
    this.scenarios = scenarios;
  }

  List<Result> run() throws Exception {
    int handlers = settings.scaleHandlers();
    long t0 = System.nanoTime();
    try (Deployment d = Deployment.cluster(settings, "scale", handlers)) {
      System.err.printf("bench: scale: web node and %d handlers ready in %.1f s%n", handlers, (System.nanoTime() - t0) / 1e9);
      Scenarios.Idle idle = scenarios.idle(d);
      Result dispatch = scenarios.trickle("scale-trickle", d);
      Result burst = scenarios.burst("scale-burst", d, "noop", settings.batch());
      double[] cpu = idle.cpuPct();
      Result r = new Result("scale", burst.jobs(), burst.seconds(), burst.jobsPerSecond(), dispatch.latenciesMs(),
          burst.rssMb(), burst.extra())
          .with("nodes", Integer.toString(cpu.length))
          .with("idle_cpu_pct_sum", Result.fmt(Arrays.stream(cpu).sum(), 2))
          .with("idle_cpu_pct_web", Result.fmt(cpu[0], 2))
          .with("idle_cpu_pct_handler_max", Result.fmt(Arrays.stream(cpu, 1, cpu.length).max().orElse(Result.NONE), 2))
          .with("idle_rss_mb_sum", Result.fmt(Arrays.stream(idle.rssMb()).sum(), 0))
          .with("burst_p99_ms", Result.fmt(Result.percentile(Arrays.stream(burst.latenciesMs()).sorted().toArray(), 99), 1));
      return List.of(r);
    }
  }
}
