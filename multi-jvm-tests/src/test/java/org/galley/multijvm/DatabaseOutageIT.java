package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for a few seconds, twice, under 20 keyed submissions/s, on real processes (a
 * web node and a handler on a {@code galley db}): while it is down the API refuses at once (503,
 * {@code Retry-After}) and {@code /ready} is false; jobs that run meanwhile keep running and their
 * ends are written once it is back; soon after its return submissions succeed again. The second
 * time the server comes back at another address behind the same host name (an /etc/hosts entry the
 * test adds and removes). Prints the refusal and recovery times and asserts their bounds.
 */
@Tag("slow")
class DatabaseOutageIT {
  private static final String DB_HOST = "galley-outage-db.test";
  private static final Path HOSTS = Path.of("/etc/hosts");
  private static final Duration OUTAGE = Duration.ofSeconds(4);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void apiRefusesAtOnceWhileTheDatabaseIsDownAndRecoversWithinTwoSeconds() throws Exception {
    assumeTrue(Files.isWritable(HOSTS), "moves the database behind a name in /etc/hosts: run as root, as CI does");
    String originalHosts = Files.readString(HOSTS);
    DatabaseProcess[] db = new DatabaseProcess[1];
    try {
      mapDbHost(originalHosts, "127.0.0.2");
      try (TestCluster cluster = TestCluster.create("db-outage", dir -> db[0] = DatabaseProcess.start(dir, DB_HOST, "127.0.0.2"))) {
        ApiClient api = cluster.startWeb("web0");
        cluster.startHandler("h1", "default", 6);
        run(cluster, api, db[0], originalHosts);
      }
    } finally {
      Files.writeString(HOSTS, originalHosts); // in place: /etc/hosts may be a bind mount
    }
  }

  private void run(TestCluster cluster, ApiClient api, DatabaseProcess db, String originalHosts) throws Exception {
    // Jobs that run across the first outage and end during it (5 s each).
    List<Long> spanning = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      spanning.add(api.submit("stamp", "{\"tag\": \"outage-" + i + "\", \"ticks\": 100}"));
    }
    for (long id : spanning) {
      api.awaitJob(id, inState("running"), Duration.ofSeconds(60));
    }
    try (SubmitLoad load = new SubmitLoad(api.base(), TestCluster.ADMIN_KEY, "{\"tool_id\": \"noop\", \"inputs\": {}}")) {
      load.start(20);
      awaitAccepted(load, 20);
      Outage same = outage(cluster, load, db, "", () -> {});
      awaitAccepted(load, load.jobOfKey.size() + 20);
      Outage moved = outage(cluster, load, db, "127.0.0.3", () -> mapDbHost(originalHosts, "127.0.0.3"));
      awaitAccepted(load, load.jobOfKey.size() + 20);
      load.finish();
      System.out.printf("db outage (same address): refusal max %d ms over %d requests, /ready false after %d ms, "
          + "recovery (db back -> first 201) %d ms%n", same.refusalMs, same.requests, same.notReadyMs, same.recoveryMs);
      System.out.printf("db outage (new address 127.0.0.3 behind %s): refusal max %d ms over %d requests, "
          + "/ready false after %d ms, recovery %d ms%n", DB_HOST, moved.refusalMs, moved.requests, moved.notReadyMs,
          moved.recoveryMs);
      System.out.printf("db outage: %d submissions, %d retries, %d accepted%n",
          load.submissions(), load.retries.get(), load.jobOfKey.size());
      assertTrue(load.failures.isEmpty(), "failed submissions: " + load.failures);
      assertTrue(load.conflictingAnswers.isEmpty(), "a key named two jobs: " + load.conflictingAnswers);
      for (Outage o : List.of(same, moved)) {
        assertTrue(o.requests > 0, "requests were sent during the outage");
        assertTrue(o.refusalMs <= 1000, "a request during the outage took " + o.refusalMs + " ms (bound 1 s)");
        assertTrue(o.recoveryMs <= 2000, "first success " + o.recoveryMs + " ms after the database was back (bound 2 s)");
        assertTrue(o.notReadyMs >= 0, "/ready of the web node stayed true during the outage");
      }
      cluster.awaitReady("web0");
      awaitAllEnded(db, Duration.ofSeconds(120));
      assertNothingLostOrRunTwice(db, load);
    }
    for (int i = 0; i < spanning.size(); i++) {
      var job = api.job(spanning.get(i));
      assertEquals("ok", job.get("state").asText(), "job across the outage: " + job);
      assertEquals(1, job.get("attempt").asInt(), "a job running across the outage kept its attempt: " + job);
      assertEquals(1, cluster.runsOf("outage-" + i).size(), "ran once: " + cluster.runsOf("outage-" + i));
    }
  }

  record Outage(long refusalMs, int requests, long notReadyMs, long recoveryMs) {}

  /** Stops the database for {@link #OUTAGE}, moves it with {@code beforeRestart}, starts it, and measures. */
  private Outage outage(TestCluster cluster, SubmitLoad load, DatabaseProcess db, String alsoListen, Step beforeRestart)
      throws Exception {
    long down = System.nanoTime();
    db.stop();
    long notReady = -1;
    long until = System.nanoTime() + OUTAGE.toNanos();
    while (System.nanoTime() < until) {
      if (notReady < 0 && readyStatus(cluster.managementUrl("web0")) != 200) {
        notReady = (System.nanoTime() - down) / 1_000_000;
      }
      TimeUnit.MILLISECONDS.sleep(100); // poll interval while the outage lasts its fixed length
    }
    beforeRestart.run();
    long restarting = System.nanoTime();
    FirstConnection first = FirstConnection.watch(alsoListen.isEmpty() ? "127.0.0.2" : alsoListen, db);
    db.restart(alsoListen.isEmpty() ? "127.0.0.2" : alsoListen);
    long back = first.await();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long recovered = -1;
    while (recovered < 0 && System.nanoTime() < deadline) {
      recovered = load.tries.stream().filter(t -> t.status() == 201 && t.answeredNanos() > back)
          .mapToLong(SubmitLoad.Try::answeredNanos).min().orElse(-1);
      TimeUnit.MILLISECONDS.sleep(20); // poll interval of a deadline-bounded wait
    }
    List<SubmitLoad.Try> during = load.tries.stream()
        .filter(t -> t.sentNanos() >= down && t.sentNanos() < restarting).toList();
    long refusal = during.stream().mapToLong(SubmitLoad.Try::millis).max().orElse(-1);
    return new Outage(refusal, during.size(), notReady, recovered < 0 ? Long.MAX_VALUE : (recovered - back) / 1_000_000);
  }

  interface Step {
    void run() throws Exception;
  }

  /** Notes when the restarted server first accepts a connection at its (new) address: "the database is back". */
  private static final class FirstConnection {
    private final Thread thread;
    private volatile long at = -1;

    private FirstConnection(String address, int port) {
      String url = "jdbc:postgresql://" + address + ":" + port + "/postgres?connectTimeout=1";
      thread = new Thread(() -> {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
          try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            at = System.nanoTime();
            return;
          } catch (Exception notYet) {
            try {
              TimeUnit.MILLISECONDS.sleep(10); // poll interval of a deadline-bounded wait
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }, "first-connection");
      thread.start();
    }

    static FirstConnection watch(String address, DatabaseProcess db) {
      return new FirstConnection(address, Integer.parseInt(db.url().replaceAll(".*:(\\d+)/.*", "$1")));
    }

    long await() throws InterruptedException {
      thread.join(Duration.ofSeconds(120).toMillis());
      if (at < 0) {
        throw new AssertionError("the restarted database never accepted a connection");
      }
      return at;
    }
  }

  private static int readyStatus(String management) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(management + "/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void mapDbHost(String originalHosts, String address) throws Exception {
    Files.writeString(HOSTS, originalHosts + (originalHosts.endsWith("\n") ? "" : "\n") + address + " " + DB_HOST + "\n");
  }

  private static void awaitAccepted(SubmitLoad load, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (load.jobOfKey.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + load.jobOfKey.size() + " of " + count + " submissions accepted");
      }
      TimeUnit.MILLISECONDS.sleep(50); // poll interval of a deadline-bounded wait
    }
  }

  private static void awaitAllEnded(DatabaseProcess db, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long open = count(db, "SELECT count(*) FROM job WHERE state NOT IN ('ok', 'error', 'deleted')");
      if (open == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(open + " jobs not ended " + timeout + " after the outages");
      }
      TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
    }
  }

  private static void assertNothingLostOrRunTwice(DatabaseProcess db, SubmitLoad load) throws Exception {
    assertEquals(load.jobOfKey.size(), count(db, "SELECT count(*) FROM job WHERE tool_id = 'noop'"),
        "one job per accepted key, none lost, none written twice");
    assertEquals(0, count(db, "SELECT count(*) FROM job WHERE state <> 'ok'"), "every job ended ok");
    assertEquals(0, count(db, """
        SELECT count(*) FROM (SELECT job_id FROM job_history WHERE state = 'running'
                              GROUP BY job_id HAVING count(*) > 1) twice"""), "a job ran twice");
  }

  private static long count(DatabaseProcess db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
