package org.galley.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rolling restart nobody notices: the real {@code galley start} runs a database, two web
 * nodes sharing one port (SO_REUSEPORT) and two handlers; a client submits 25 jobs a second
 * through that one address, retrying connection errors with the same Idempotency-Key, while
 * {@code galley graceful} restarts all four nodes. No submission may fail, no job be lost,
 * duplicated, fail or run twice. Then the supervisor restarts a handler killed -9, {@code galley
 * update} stops a handler removed from the config, and {@code galley stop} stops everything.
 */
class RollingRestartIT {
  static final int RATE = 25;
  /** The database of the running test, for the checks below. */
  static ClusterDatabase testDatabase;
  static final String ADMIN_KEY = "rolling-admin-key-0123456789";

  @Test
  void gracefulRestartsEveryNodeUnderLoadWithNoFailedSubmissionAndNoJobLostOrRunTwice() throws Exception {
    Path dir = Path.of("target", "clusters", "rolling-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir.resolve("tools"));
    // A short real process, so that handlers hold running jobs when they are drained.
    Files.writeString(dir.resolve("tools/nap.conf"),
        "tools = [ { id = nap, version = \"1\", argv = [\"sleep\", \"0.2\"] } ]\n");
    int db = GalleyCli.freePorts(1);
    int http = GalleyCli.freePorts(1);
    int webCluster = GalleyCli.freePorts(2);
    int webManagement = GalleyCli.freePorts(2);
    int handlerCluster = GalleyCli.freePorts(2);
    int handlerManagement = GalleyCli.freePorts(2);
    ClusterDatabase database = ClusterDatabase.forCli(db);
    Path config = dir.resolve("galley.conf");
    Files.writeString(config, """
        admin-key = "%s"
        jvm-options = ["-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1"]
        properties { "galley.tools.dir" = "%s", "galley.db.pool-size" = "4" }
        %s
        web { processes = 2, http-port = %d, cluster-port = %d, management-port = %d }
        handler-ports { cluster = %d, management = %d }
        handlers { handler { processes = 2, workers = 8 } }
        timeouts { ready = 120s, drain = 30s }
        """.formatted(ADMIN_KEY, dir.resolve("tools"), database.cliConfig(db), http, webCluster, webManagement, handlerCluster,
        handlerManagement));
    GalleyCli galley = new GalleyCli(config, dir.resolve("cli"));
    testDatabase = database;
    String url = database.url();
    try {
      GalleyCli.Result started = galley.run(Duration.ofMinutes(4), "start");
      assertEquals(0, started.exit(), started.output());
      GalleyCli.Result status = galley.run(Duration.ofSeconds(30), "status");
      assertEquals(0, status.exit(), "every process ready:\n" + status.output());

      try (SubmitLoad load = new SubmitLoad("http://127.0.0.1:" + http, ADMIN_KEY,
          "{\"tool_id\": \"nap\", \"inputs\": {}}")) {
        load.start(RATE);
        GalleyCli.Result graceful = galley.run(Duration.ofMinutes(4), "graceful");
        assertEquals(0, graceful.exit(), graceful.output());
        load.finish();
        long jobs = awaitAllEnded(url, Duration.ofSeconds(90));
        Report r = report(url);
        System.out.printf("%nrolling restart: %d submissions (%.1f/s), %d retries (%d answered as replays),"
                + " %d failed; %d jobs, %d ok, %d duplicates, %d run more than once;"
                + " galley graceful of 4 nodes took %.1f s%n%n",
            load.submissions(), load.submissions() / (graceful.took().toMillis() / 1000.0), load.retries.get(),
            load.replayed.get(), load.failures.size(), jobs, r.ok, jobs - load.jobOfKey.size(), r.ranTwice.size(),
            graceful.took().toMillis() / 1000.0);
        assertTrue(load.failures.isEmpty(), "failed submissions: " + load.failures);
        assertTrue(load.conflictingAnswers.isEmpty(), "one key, two jobs: " + load.conflictingAnswers);
        assertTrue(load.submissions() / (graceful.took().toMillis() / 1000.0) >= 20, "at least 20 submissions a second");
        assertEquals(load.submissions(), load.jobOfKey.size(), "every submission got its job");
        assertEquals(load.jobOfKey.size(), new HashSet<>(load.jobOfKey.values()).size(), "no two keys share a job");
        assertEquals(load.jobOfKey.size(), jobs, "as many jobs as submissions: none lost, none duplicated");
        assertEquals(jobs, r.ok, "every job ok; not ok: " + r.notOk);
        assertTrue(r.ranTwice.isEmpty(), "jobs that ran more than once: " + r.ranTwice);
      }
      GalleyCli.Result after = galley.run(Duration.ofSeconds(30), "status");
      assertEquals(0, after.exit(), "every process ready after graceful:\n" + after.output());

      // A handler killed -9 is restarted by the supervisor.
      long killed = pidOf(dir, "handler_0");
      ProcessHandle.of(killed).orElseThrow().destroyForcibly();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (pidOf(dir, "handler_0") == killed || !runState(dir, "handler_0").equals("running")) {
        assertTrue(System.nanoTime() < deadline, "handler_0 was not restarted after kill -9");
        TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
      }
      assertEquals(0, galley.run(Duration.ofSeconds(30), "status").exit(), "all ready again after the crash");

      // update: a handler removed from the config is stopped, the others keep running.
      long web0 = pidOf(dir, "web_0");
      Files.writeString(config, Files.readString(config).replace("processes = 2, workers", "processes = 1, workers"));
      GalleyCli.Result updated = galley.run(Duration.ofMinutes(2), "update");
      assertEquals(0, updated.exit(), updated.output());
      assertTrue(updated.output().contains("stopping handler_1"), updated.output());
      GalleyCli.Result fewer = galley.run(Duration.ofSeconds(30), "status");
      assertEquals(0, fewer.exit(), fewer.output());
      assertTrue(!fewer.output().contains("handler_1") && fewer.output().contains("handler_0"), fewer.output());
      assertEquals(web0, pidOf(dir, "web_0"), "update left web_0 running");
      GalleyCli.Result stopped = galley.run(Duration.ofMinutes(3), "stop");
      assertEquals(0, stopped.exit(), stopped.output());
      assertEquals(3, galley.run(Duration.ofSeconds(30), "status").exit(), "nothing runs after stop");
    } finally {
      galley.run(Duration.ofMinutes(3), "stop");
    }
  }

  /** The pid in the process's run file. */
  private static long pidOf(Path dir, String name) throws Exception {
    return Long.parseLong(Files.readString(dir.resolve("var/run/" + name + ".run")).trim().split(" ")[0]);
  }

  /** The state in the process's run file: the supervisor writes "running" once it answers /ready. */
  private static String runState(Path dir, String name) throws Exception {
    return Files.readString(dir.resolve("var/run/" + name + ".run")).trim().split(" ")[1];
  }

  /** Waits until no job of the nap tool is in a non-terminal state; returns how many jobs there are. */
  private static long awaitAllEnded(String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long open = count(url, "SELECT count(*) FROM job WHERE state NOT IN ('ok', 'error', 'deleted')");
      if (open == 0) {
        return count(url, "SELECT count(*) FROM job");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(open + " jobs still not ended after " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
    }
  }

  record Report(long ok, List<String> notOk, List<String> ranTwice) {}

  private static Report report(String url) throws Exception {
    List<String> notOk = new ArrayList<>();
    List<String> ranTwice = new ArrayList<>();
    try (Connection c = testDatabase.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT id, state, attempt, info FROM job WHERE state <> 'ok' ORDER BY id")) {
        while (rs.next()) {
          notOk.add(rs.getLong(1) + " " + rs.getString(2) + " attempt " + rs.getInt(3) + ": " + rs.getString(4));
        }
      }
      // Every start of a job's process is a 'running' row in its history: more than one is a second run.
      try (ResultSet rs = st.executeQuery("""
          SELECT job_id, count(*), string_agg(handler || '@' || attempt, ',') FROM job_history
          WHERE state = 'running' GROUP BY job_id HAVING count(*) > 1""")) {
        while (rs.next()) {
          ranTwice.add(rs.getLong(1) + " x" + rs.getInt(2) + " (" + rs.getString(3) + ")");
        }
      }
      Set<Long> attempts = new HashSet<>();
      try (ResultSet rs = st.executeQuery("SELECT id FROM job WHERE attempt > 1")) {
        while (rs.next()) {
          attempts.add(rs.getLong(1));
        }
      }
      if (!attempts.isEmpty()) {
        System.out.println("jobs requeued before they ran (attempt > 1, not a second run): " + attempts);
      }
      long ok = count(url, "SELECT count(*) FROM job WHERE state = 'ok'");
      return new Report(ok, notOk, ranTwice);
    }
  }

  private static long count(String url, String sql) throws Exception {
    try (Connection c = testDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
