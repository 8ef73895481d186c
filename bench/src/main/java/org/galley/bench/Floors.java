package org.galley.bench;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference lines of a run: what this machine does at most, so every burst is also a ratio
 * ({@code vs_floor}) on the machine of the day.
 * <ul>
 *   <li>{@code db-floor}: a no-op job's row life in Galley ({@link DbFloorSql}: batch insert with
 *       history, fair claim with SKIP LOCKED, mark started, finish many) from bare JDBC loops with
 *       batching — no HTTP, no actors — on a {@code galley db} PostgreSQL like every scenario's;
 *   <li>{@code spawn-floor}: fork and exec of {@code /bin/true} from two perl processes at once
 *       (perl, as Galley's own launcher), each waiting for its child, no job bookkeeping.
 * </ul>
 * Both run once per bench run, before the first burst, so the ratios compare within one run.
 */
final class Floors {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final int UNLIMITED = Integer.MAX_VALUE;

  private final BenchSettings settings;
  private Result db;
  private Result spawn;

  Floors(BenchSettings settings) {
    this.settings = settings;
  }

  /** Both floor lines, measured now (or as measured earlier in this run). */
  List<Result> run() throws Exception {
    if (db == null) {
      db = dbFloor();
    }
    if (spawn == null) {
      spawn = spawnFloor();
    }
    return List.of(db, spawn);
  }

  boolean measured() {
    return db != null && spawn != null;
  }

  /** A burst line with its {@code vs_floor}: to db-floor for no-op jobs, to spawn-floor for processes. */
  Result withRatio(Result burst, String tool) {
    Result floor = "noop".equals(tool) ? db : spawn;
    return floor == null ? burst : burst.with("vs_floor", Result.fmt(burst.jobsPerSecond() / floor.jobsPerSecond(), 2));
  }

  private Result dbFloor() throws Exception {
    try (Deployment d = Deployment.databaseOnly(settings, "db-floor"); Connection reader = d.connect()) {
      int threads = settings.floorThreads();
      loops(d, threads, settings.warmupJobs());
      long after = JobTable.maxId(reader);
      long cpu0 = Deployment.cpuTicks();
      Instant start = Instant.now();
      loops(d, threads, settings.jobs());
      long cpuTicks = Deployment.cpuTicks() - cpu0;
      Map<Long, Instant[]> times = JobTable.times(reader, after);
      Instant lastEnd = times.values().stream().map(t -> t[2]).max(Instant::compareTo).orElseThrow();
      double seconds = Duration.between(start, lastEnd).toNanos() / 1e9;
      double[] latencies = times.values().stream().mapToDouble(t -> Scenarios.millisBetween(t[0], t[2])).toArray();
      Map<String, Long> states = JobTable.states(reader, after);
      if (states.getOrDefault("ok", 0L) != settings.jobs()) {
        throw new IllegalStateException("db-floor: not every job ended ok: " + states);
      }
      return new Result("db-floor", times.size(), seconds, times.size() / seconds, latencies, Result.NONE, Map.of())
          .with("threads", Integer.toString(threads))
          .with("batch", Integer.toString(settings.batch()))
          .with("cpu_ms_per_job", Result.fmt(cpuTicks * 1000.0 / ProcStats.CLOCK_TICKS_PER_SECOND / settings.jobs(), 2));
    }
  }

  /** {@code threads} loops, each on its own connection, until {@code jobs} jobs are inserted and finished. */
  private void loops(Deployment d, int threads, int jobs) throws Exception {
    AtomicInteger toInsert = new AtomicInteger(jobs);
    AtomicInteger finished = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> loops = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String handler = "floor-" + i;
        loops.add(pool.submit(() -> {
          try (Connection c = connect(d)) {
            loop(c, handler, toInsert, finished, jobs);
          }
          return null;
        }));
      }
      for (Future<Void> f : loops) {
        f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Insert a batch, claim a batch, mark each started (one JDBC batch), finish them in one statement; again. */
  private void loop(Connection c, String handler, AtomicInteger toInsert, AtomicInteger finished, int jobs)
      throws SQLException, InterruptedException {
    int batch = settings.batch();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (PreparedStatement insert = c.prepareStatement(DbFloorSql.INSERT_JOBS);
        PreparedStatement claim = c.prepareStatement(DbFloorSql.CLAIM);
        PreparedStatement start = c.prepareStatement(DbFloorSql.MARK_STARTED);
        PreparedStatement finish = c.prepareStatement(DbFloorSql.FINISH_ALL);
        Statement plain = c.createStatement()) {
      while (finished.get() < jobs) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("db-floor: only " + finished.get() + " of " + jobs + " jobs within " + TIMEOUT);
        }
        int n = take(toInsert, batch);
        if (n > 0) {
          insert(c, insert, n);
        }
        List<long[]> claimed = claim(c, claim, plain, handler, batch);
        if (claimed.isEmpty()) {
          if (n == 0) {
            TimeUnit.MILLISECONDS.sleep(1); // the other loops hold the last jobs; poll until they finish them
          }
          continue;
        }
        for (long[] job : claimed) {
          start.setBoolean(1, true);
          start.setBoolean(2, true);
          start.setString(3, "noop");
          start.setString(4, "noop");
          start.setString(5, "/nonexistent/" + job[0]);
          start.setString(6, "noop");
          start.setString(7, null);
          start.setLong(8, job[0]);
          start.setInt(9, (int) job[1]);
          start.setString(10, handler);
          start.addBatch();
        }
        start.executeBatch();
        finish(c, finish, handler, claimed);
        finished.addAndGet(claimed.size());
      }
    }
  }

  private static void insert(Connection c, PreparedStatement ps, int n) throws SQLException {
    ps.setArray(1, c.createArrayOf("text", Collections.nCopies(n, "admin").toArray()));
    ps.setArray(2, c.createArrayOf("text", Collections.nCopies(n, "noop").toArray()));
    ps.setArray(3, c.createArrayOf("text", Collections.nCopies(n, "1.0").toArray()));
    ps.setArray(4, c.createArrayOf("text", Collections.nCopies(n, "{}").toArray()));
    ps.setArray(5, c.createArrayOf("text", Collections.nCopies(n, "default").toArray()));
    ps.setArray(6, c.createArrayOf("text", Collections.nCopies(n, "cluster").toArray()));
    ps.setArray(7, c.createArrayOf("text", new String[n]));
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rs.getLong("id"); // read the rows back, as JobStore does
      }
    }
  }

  /** One claim in its own transaction, as JobClaims runs it; returns {id, attempt} of each job. */
  private static List<long[]> claim(Connection c, PreparedStatement ps, Statement plain, String handler, int max)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      plain.execute("SET LOCAL plan_cache_mode = force_generic_plan");
      ps.setString(1, handler);
      ps.setString(2, "cluster");
      ps.setBoolean(3, true);
      ps.setInt(4, max);
      ps.setInt(5, UNLIMITED);
      ps.setArray(6, c.createArrayOf("text", new Object[] {"default"}));
      ps.setArray(7, c.createArrayOf("integer", new Object[] {UNLIMITED}));
      ps.setArray(8, c.createArrayOf("integer", new Object[] {UNLIMITED}));
      List<long[]> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new long[] {rs.getLong("id"), rs.getInt("attempt")});
        }
      }
      c.commit();
      return out;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void finish(Connection c, PreparedStatement ps, String handler, List<long[]> jobs) throws SQLException {
    int n = jobs.size();
    Long[] ids = new Long[n];
    Integer[] attempts = new Integer[n];
    for (int i = 0; i < n; i++) {
      ids[i] = jobs.get(i)[0];
      attempts[i] = (int) jobs.get(i)[1];
    }
    Array states = c.createArrayOf("text", Collections.nCopies(n, "ok").toArray());
    ps.setArray(1, c.createArrayOf("bigint", ids));
    ps.setArray(2, c.createArrayOf("integer", attempts));
    ps.setArray(3, states);
    ps.setArray(4, c.createArrayOf("integer", Collections.nCopies(n, 0).toArray()));
    ps.setArray(5, c.createArrayOf("text", new String[n]));
    // A no-op attempt has no process, so no usage: nulls, as the handler writes for it.
    ps.setArray(6, c.createArrayOf("float8", new Double[n]));
    ps.setArray(7, c.createArrayOf("float8", new Double[n]));
    ps.setArray(8, c.createArrayOf("bigint", new Long[n]));
    ps.setArray(9, c.createArrayOf("integer", new Integer[n]));
    ps.setString(10, handler);
    int won = 0;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        won++;
      }
    }
    if (won != n) {
      throw new IllegalStateException("db-floor: " + (n - won) + " of " + n + " ends lost their guard");
    }
  }

  private static int take(AtomicInteger left, int batch) {
    while (true) {
      int l = left.get();
      int n = Math.min(l, batch);
      if (n <= 0) {
        return 0;
      }
      if (left.compareAndSet(l, l - n)) {
        return n;
      }
    }
  }

  /** The node's own connection properties (core's Database): server-side prepares from the first use. */
  private static Connection connect(Deployment d) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", "");
    p.setProperty("prepareThreshold", "1");
    p.setProperty("reWriteBatchedInserts", "true");
    return DriverManager.getConnection(d.dbUrl(), p);
  }

  /** Two perl processes at once, each forking and exec'ing /bin/true {@code jobs/2} times and waiting for each. */
  private Result spawnFloor() throws IOException, InterruptedException {
    int each = Math.max(1, settings.jobs() / 2);
    spawners(Math.max(1, settings.warmupJobs() / 2)); // page cache and perl itself, unmeasured
    long cpu0 = Deployment.cpuTicks();
    long t0 = System.nanoTime();
    spawners(each);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long cpuTicks = Deployment.cpuTicks() - cpu0;
    return new Result("spawn-floor", 2L * each, seconds, 2 * each / seconds, new double[0], Result.NONE, Map.of())
        .with("spawners", "2")
        .with("cpu_ms_per_job", Result.fmt(cpuTicks * 1000.0 / ProcStats.CLOCK_TICKS_PER_SECOND / (2.0 * each), 2));
  }

  private static void spawners(int each) throws IOException, InterruptedException {
    // The count is perl's argument, not part of the program text.
    String program = "use POSIX (); my $n = shift; for (1 .. $n) { my $p = fork(); die \"fork: $!\" unless defined $p;"
        + " if ($p == 0) { exec('/bin/true') or POSIX::_exit(127); } waitpid($p, 0); die \"child: $?\" if $?; }";
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ps.add(new ProcessBuilder("perl", "-e", program, Integer.toString(each))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }
    for (Process p : ps) {
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("spawn-floor: a perl spawner failed or took longer than " + TIMEOUT);
      }
    }
  }
}
