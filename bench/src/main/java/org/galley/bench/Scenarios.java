package org.galley.bench;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The scenarios; each starts its own Galley processes on fresh state and returns its result lines. */
final class Scenarios {
  private static final Duration END_TIMEOUT = Duration.ofMinutes(10);

  private final BenchSettings settings;
  private final Floors floors;

  Scenarios(BenchSettings settings, Floors floors) {
    this.settings = settings;
    this.floors = floors;
  }

  /** 20 no-op jobs/s for 30 s; latency from the 201 to the job's start_time; all-in-one, then across JVMs. */
  List<Result> trickle() throws Exception {
    List<Result> out = new ArrayList<>();
    try (Deployment d = Deployment.allInOne(settings, "trickle")) {
      out.add(trickle("trickle", d));
    }
    try (Deployment d = Deployment.split(settings, "trickle-split")) {
      out.add(trickle("trickle-split", d));
    }
    return out;
  }

  /** A trickle through {@code d}'s web node: latencies are each job's 201 → start_time. */
  Result trickle(String name, Deployment d) throws Exception {
    Api api = d.api();
    try (Connection db = d.connect(); RssPeak rss = new RssPeak(d)) {
      trickleRun(api, settings.warmupSeconds());
      long after = JobTable.maxId(db);
      rss.reset();
      long t0 = System.nanoTime();
      List<Api.Submitted> submitted = trickleRun(api, settings.trickleSeconds());
      JobTable.awaitTerminal(db, after, submitted.size(), END_TIMEOUT);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<Long, Instant[]> times = JobTable.times(db, after);
      double[] latencies = submitted.stream()
          .mapToDouble(s -> millisBetween(s.at(), times.get(s.id())[1]))
          .toArray();
      return new Result(name, submitted.size(), seconds, submitted.size() / seconds, latencies, rss.peakMb(), Map.of());
    }
  }

  /** Submits at the trickle rate for {@code seconds}; each submission on its own thread so a slow one delays no other. */
  private List<Api.Submitted> trickleRun(Api api, int seconds) throws Exception {
    int total = settings.trickleRate() * seconds;
    long periodNanos = 1_000_000_000L / settings.trickleRate();
    ConcurrentLinkedQueue<Future<Api.Submitted>> futures = new ConcurrentLinkedQueue<>();
    ExecutorService senders = Executors.newFixedThreadPool(8);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger sent = new AtomicInteger();
    try {
      clock.scheduleAtFixedRate(() -> {
        if (sent.getAndIncrement() < total) {
          futures.add(senders.submit(() -> api.submit(Api.job("noop"))));
        }
      }, 0, periodNanos, TimeUnit.NANOSECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60L);
      while (futures.size() < total && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10); // poll interval of a deadline-bounded wait
      }
      clock.shutdownNow();
      List<Api.Submitted> out = new ArrayList<>();
      for (Future<Api.Submitted> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      clock.shutdownNow();
      senders.shutdownNow();
    }
  }

  /** 20,000 no-op jobs over 32 connections, one job per POST: first submit to last end. */
  List<Result> burst() throws Exception {
    try (Deployment d = Deployment.allInOne(settings, "burst")) {
      return List.of(burst("burst", d, "noop", 1));
    }
  }

  /** The same burst, 100 jobs per POST (a JSON list). */
  List<Result> burstBatch() throws Exception {
    try (Deployment d = Deployment.allInOne(settings, "burst-batch")) {
      return List.of(burst("burst-batch", d, "noop", settings.batch()));
    }
  }

  /** The burst with a tool that runs /bin/true. */
  List<Result> proc() throws Exception {
    try (Deployment d = Deployment.allInOne(settings, "proc")) {
      return List.of(burst("proc", d, "true", 1));
    }
  }

  /** The proc burst, 100 jobs per POST: what process starts cost when submissions are cheap. */
  List<Result> procBatch() throws Exception {
    try (Deployment d = Deployment.allInOne(settings, "proc-batch")) {
      return List.of(burst("proc-batch", d, "true", settings.batch()));
    }
  }

  /**
   * Warm-up (unmeasured), then {@code jobs} jobs over {@code connections} connections. Throughput
   * is from the first submission to the last end_time; latencies are each job's create to end.
   */
  Result burst(String name, Deployment d, String tool, int batch) throws Exception {
    Api api = d.api();
    try (Connection db = d.connect(); RssPeak rss = new RssPeak(d)) {
      long warm = JobTable.maxId(db);
      submitAll(api, tool, settings.warmupJobs(), batch);
      JobTable.awaitTerminal(db, warm, settings.warmupJobs(), END_TIMEOUT);
      long after = JobTable.maxId(db);
      rss.reset();
      long cpu0 = Deployment.cpuTicks();
      Instant start = Instant.now();
      submitAll(api, tool, settings.jobs(), batch);
      double submitSeconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
      JobTable.awaitTerminal(db, after, settings.jobs(), END_TIMEOUT);
      long cpuTicks = Deployment.cpuTicks() - cpu0;
      Map<Long, Instant[]> times = JobTable.times(db, after);
      Instant lastEnd = times.values().stream().map(t -> t[2]).max(Instant::compareTo).orElseThrow();
      double seconds = Duration.between(start, lastEnd).toNanos() / 1e9;
      double[] latencies = times.values().stream().mapToDouble(t -> millisBetween(t[0], t[2])).toArray();
      Map<String, Long> states = JobTable.states(db, after);
      Result r = new Result(name, times.size(), seconds, times.size() / seconds, latencies, rss.peakMb(), Map.of())
          .with("submit_per_s", Result.fmt(settings.jobs() / submitSeconds, 0))
          .with("cpu_ms_per_job", Result.fmt(cpuTicks * 1000.0 / ProcStats.CLOCK_TICKS_PER_SECOND / settings.jobs(), 2));
      r = floors.withRatio(r, tool);
      long notOk = times.size() - states.getOrDefault("ok", 0L);
      return notOk == 0 ? r : r.with("not_ok", states.toString().replace(" ", ""));
    }
  }

  /** Submits {@code jobs} jobs over the configured connections, {@code batch} per POST. */
  private void submitAll(Api api, String tool, int jobs, int batch) throws Exception {
    AtomicInteger left = new AtomicInteger(jobs);
    ExecutorService connections = Executors.newFixedThreadPool(settings.connections());
    try {
      List<Future<Void>> workers = new ArrayList<>();
      String one = Api.job(tool);
      for (int i = 0; i < settings.connections(); i++) {
        workers.add(connections.submit(() -> {
          int n;
          while ((n = take(left, batch)) > 0) {
            api.submit(n == 1 && batch == 1 ? one : list(one, n));
          }
          return null;
        }));
      }
      for (Future<Void> w : workers) {
        w.get(END_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      connections.shutdownNow();
    }
  }

  private static int take(AtomicInteger left, int batch) {
    while (true) {
      int l = left.get();
      int n = Math.min(l, batch);
      if (n <= 0 || left.compareAndSet(l, l - n)) {
        return Math.max(n, 0);
      }
    }
  }

  private static String list(String one, int n) {
    return "[" + String.join(",", java.util.Collections.nCopies(n, one)) + "]";
  }

  /** CPU% (of one core) and RSS of an idle web node and an idle handler, each in its own JVM. */
  List<Result> idle() throws Exception {
    try (Deployment d = Deployment.split(settings, "idle")) {
      Idle idle = idle(d);
      return List.of(idleResult("idle-web", idle, 0), idleResult("idle-handler", idle, 1));
    }
  }

  /**
   * Each node's CPU (% of one core) over {@code idle-seconds}, after {@code idle-settle-seconds}
   * unmeasured, and its RSS at the end; in the order of {@link Deployment#nodes()}.
   */
  record Idle(double seconds, double[] cpuPct, double[] rssMb) {}

  Idle idle(Deployment d) throws Exception {
    List<NodeProcess> nodes = d.nodes();
    // Let start-up work pass, unmeasured: a node idles for hours, not seconds after its start.
    TimeUnit.SECONDS.sleep(settings.idleSettleSeconds());
    long[] before = new long[nodes.size()];
    for (int i = 0; i < before.length; i++) {
      before[i] = ProcStats.cpuTicks(nodes.get(i).pid());
    }
    long t0 = System.nanoTime();
    TimeUnit.SECONDS.sleep(settings.idleSeconds()); // the measurement window itself
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[] cpuPct = new double[before.length];
    double[] rssMb = new double[before.length];
    for (int i = 0; i < before.length; i++) {
      long ticks = ProcStats.cpuTicks(nodes.get(i).pid()) - before[i];
      cpuPct[i] = 100.0 * ticks / ProcStats.CLOCK_TICKS_PER_SECOND / seconds;
      rssMb[i] = ProcStats.rssMb(nodes.get(i).pid());
    }
    return new Idle(seconds, cpuPct, rssMb);
  }

  private static Result idleResult(String name, Idle idle, int node) {
    return new Result(name, 0, idle.seconds(), 0, new double[0], idle.rssMb()[node], Map.of())
        .with("cpu_pct", Result.fmt(idle.cpuPct()[node], 2));
  }

  /**
   * A burst on the empty table, then 1,000,000 finished jobs in the table: p99 of
   * {@code GET /api/jobs?state=new} and {@code GET /api/jobs/{id}}, and the burst again.
   */
  List<Result> bigTable() throws Exception {
    try (Deployment d = Deployment.allInOne(settings, "big-table")) {
      Result empty = burst("big-table-empty-burst", d, "noop", 1);
      try (Connection db = d.connect()) {
        long t0 = System.nanoTime();
        JobTable.fillFinished(db, settings.bigTableRows());
        System.err.printf("bench: %,d finished jobs written in %.1f s%n", settings.bigTableRows(), (System.nanoTime() - t0) / 1e9);
      }
      Api api = d.api();
      long maxId;
      try (Connection db = d.connect()) {
        maxId = JobTable.maxId(db);
      }
      Random random = new Random(42);
      Result list = gets(d, "big-table-list", api, () -> "/api/jobs?state=new");
      Result show = gets(d, "big-table-show", api, () -> "/api/jobs/" + (1 + random.nextInt((int) maxId)));
      Result full = burst("big-table-burst", d, "noop", 1);
      return List.of(empty, list, show,
          full.with("vs_empty", Result.fmt(full.jobsPerSecond() / empty.jobsPerSecond(), 2)));
    }
  }

  private interface PathSource {
    String next();
  }

  /** Sequential GETs, a few unmeasured first. */
  private Result gets(Deployment d, String name, Api api, PathSource paths) throws Exception {
    for (int i = 0; i < 50; i++) {
      api.get(paths.next());
    }
    double[] latencies = new double[settings.requests()];
    long t0 = System.nanoTime();
    for (int i = 0; i < latencies.length; i++) {
      long s = System.nanoTime();
      api.get(paths.next());
      latencies[i] = (System.nanoTime() - s) / 1e6;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(name, 0, seconds, Result.NONE, latencies, d.maxNodeRssMb(), Map.of())
        .with("requests", Integer.toString(latencies.length));
  }

  static double millisBetween(Instant from, Instant to) {
    if (from == null || to == null) {
      throw new IllegalStateException("a job has no start or end time: " + from + " → " + to);
    }
    return Duration.between(from, to).toNanos() / 1e6;
  }

  /** Samples the nodes' resident memory every 200 ms and keeps the peak. */
  private static final class RssPeak implements AutoCloseable {
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private volatile double peak;

    RssPeak(Deployment d) {
      sampler.scheduleAtFixedRate(() -> peak = Math.max(peak, d.maxNodeRssMb()), 0, 200, TimeUnit.MILLISECONDS);
    }

    void reset() {
      peak = 0;
    }

    double peakMb() {
      return peak;
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }
  }

  static void requireLinux() throws IOException {
    if (!java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self"))) {
      throw new IOException("the bench reads /proc for RSS and CPU: Linux only");
    }
  }
}
