package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Liveness from membership, on real processes: one web node and five handlers. Handlers killed
 * with -9 one after another lose their jobs to the others (five failover times, their median
 * printed); one restarted under its name takes its jobs back; one frozen with SIGSTOP for 30 s and
 * one cut off from the cluster by a packet filter have their jobs run elsewhere only once their
 * processes are dead, and write nothing for them afterwards; thousands of jobs survive a kill and a
 * restart without running twice at the same time.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  /** The failover goal is 10 s (issue #13); no single run may take longer than this. */
  static final Duration WORST_FAILOVER = Duration.ofSeconds(12);
  /** Group id of the handler that the partition test cuts off: its sockets are told apart by it. */
  static final int CUT_GID = 4713;
  static TestCluster cluster;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create("failover");
    api = cluster.startWeb("web0");
    cluster.runInGroup("h5", CUT_GID);
    cluster.startHandlers(List.of("h1", "h2", "h3"), "default", 4);
    cluster.startHandlers(List.of("h4", "h5"), "default,cut", 4);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Tag("faults")
  @Order(1)
  void fiveHandlersKilledOneAfterAnotherLoseTheirJobsToTheOthersWithinTheFailoverGoal() throws Exception {
    List<Long> times = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (String victim : List.of("h1", "h2", "h3", "h4")) {
      times.add(killAndTimeFailover(victim, tags));
    }
    // Two at a time: four JVMs starting at once on two loaded cores starve each other's heartbeats.
    cluster.restartAll(List.of("h1", "h2"));
    cluster.restartAll(List.of("h3", "h4"));
    times.add(killAndTimeFailover("h1", tags));
    List<Long> sorted = times.stream().sorted().toList();
    System.out.printf("failover: kill -9 -> all of the handler's jobs running elsewhere, five runs: %s ms; median %d ms%n",
        times, sorted.get(2));
    for (long id : TestCluster.jobIds(api, "new,queued,running,deleting")) {
      api.awaitJob(id, inState("deleted", "ok", "error"), Duration.ofSeconds(60));
    }
    for (String tag : tags) {
      assertFalse(cluster.runsOverlap(tag), "attempts of " + tag + " overlapped: " + cluster.runsOf(tag));
    }
    assertTrue(sorted.get(4) <= WORST_FAILOVER.toMillis(), "a failover took over " + WORST_FAILOVER + ": " + times);
    cluster.restartAll(List.of("h1"));
  }

  /**
   * Submits jobs until the victim holds at least one, kills it with -9 and returns the milliseconds
   * until every job it held runs (or ran) on another handler under a later attempt.
   */
  private static long killAndTimeFailover(String victim, List<String> tags) throws Exception {
    List<Long> held = new ArrayList<>();
    for (int round = 0; held.isEmpty(); round++) {
      assertTrue(round < 20, victim + " got no job");
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String tag = "kill-" + victim + "-" + tags.size();
        tags.add(tag);
        ids.add(api.submit("stamp", "{\"tag\": \"" + tag + "\", \"ticks\": 200}"));
      }
      for (long id : ids) {
        if (api.awaitJob(id, inState("running"), Duration.ofSeconds(60)).get("handler").asText().equals(victim)) {
          held.add(id);
        }
      }
    }
    long killedAt = System.nanoTime();
    cluster.node(victim).kill();
    awaitRunningElsewhere(held, victim, Duration.ofSeconds(60));
    long took = (System.nanoTime() - killedAt) / 1_000_000;
    // Done with this round: cancelled, so that the next kills neither find these jobs again (each
    // loss counts toward max-attempts) nor run on cores busy with them.
    for (long id : TestCluster.jobIds(api, "new,queued,running")) {
      api.delete("/api/jobs/" + id);
    }
    return took;
  }

  /** Waits until each job runs, or ran, under a later attempt on another handler than {@code lost}. */
  private static void awaitRunningElsewhere(List<Long> ids, String lost, Duration timeout) throws Exception {
    for (long id : ids) {
      JsonNode j = api.awaitJob(id, x -> x.get("attempt").asInt() >= 2 && x.get("state").asText().matches("running|ok"), timeout);
      assertFalse(lost.equals(j.get("handler").asText()), j.toString());
    }
  }

  @Test
  @Order(2)
  void aHandlerKilledAndRestartedUnderItsNameLosesNoJobAndNoneRunsTwice() throws Exception {
    long longJob = api.submit("stamp_h2", "{\"tag\": \"recover-long\", \"ticks\": 200}");
    long shortJob = api.submit("stamp_h2", "{\"tag\": \"recover-short\", \"ticks\": 20}");
    api.awaitJob(longJob, inState("running"), Duration.ofSeconds(60));
    api.awaitJob(shortJob, inState("running"), Duration.ofSeconds(60));
    long killedAt = System.currentTimeMillis();
    cluster.node("h2").kill();
    cluster.node("h2").restart();
    cluster.awaitReady("h2");

    for (long id : List.of(shortJob, longJob)) {
      JsonNode done = api.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(60));
      assertEquals("ok", done.get("state").asText(), done.toString());
      assertEquals("h2", done.get("handler").asText());
    }
    assertFalse(cluster.runsOverlap("recover-long"), "runs: " + cluster.runsOf("recover-long"));
    assertFalse(cluster.runsOverlap("recover-short"), "runs: " + cluster.runsOf("recover-short"));
    // The watchdog learned of the JVM's death at once: the first run stopped ticking within a moment
    // (stamps are nanoseconds of the epoch), and the job ran again under its next attempt.
    List<Long> first = cluster.runsOf("recover-long").values().iterator().next();
    long lastTickMillis = first.get(first.size() - 1) / 1_000_000;
    assertTrue(lastTickMillis - killedAt < 2_000, "the first run went on " + (lastTickMillis - killedAt) + " ms after the kill");
    assertTrue(api.job(longJob).get("attempt").asInt() >= 2);
  }

  @Test
  @Tag("faults")
  @Order(3)
  void aHandlerFrozenForThirtySecondsHasItsJobsRunElsewhereOnlyOnceKilledAndWritesNothingWhenItWakes() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(api.submit("stamp", "{\"tag\": \"frozen-" + i + "\", \"ticks\": 150}"));
    }
    for (long id : ids) {
      api.awaitJob(id, inState("running"), Duration.ofSeconds(60));
    }
    String victim = api.job(ids.get(0)).get("handler").asText();
    List<Long> held = ids.stream().filter(id -> handlerOf(id).equals(victim)).toList();
    NodeProcess node = cluster.node(victim);
    long frozenAt = System.nanoTime();
    node.signal("STOP");
    awaitRunningElsewhere(held, victim, Duration.ofSeconds(60));
    System.out.printf("frozen: SIGSTOP of %s -> its %d job(s) running elsewhere in %d ms%n",
        victim, held.size(), (System.nanoTime() - frozenAt) / 1_000_000);
    // The scenario: the process stays frozen for 30 s in all (not a wait for a condition).
    long wakeAt = frozenAt + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < wakeAt) {
      Thread.sleep(100);
    }
    node.signal("CONT");
    // It learns it was downed, kills what is left, gives nothing back that is not fenced, and exits.
    node.awaitExit(Duration.ofSeconds(60));
    assertTrue(node.logTail().contains("downed") || java.nio.file.Files.readString(node.log()).contains("downed"),
        "it says it was downed:\n" + node.logTail());
    cluster.restartAll(List.of(victim)); // a supervisor restarts it: it joins again as a new incarnation
    assertFinishedOnceWithoutLateWrites(ids, "frozen-", victim);
  }

  @Test
  @Tag("faults")
  @Order(4)
  void aHandlerCutOffFromTheClusterButNotFromTheDatabaseHasItsJobsRunElsewhereOnlyOnceKilled() throws Exception {
    // Jobs of pool cut on h5 only: h4, its other handler, is drained meanwhile.
    assertEquals(200, api.post("/api/handlers/h4/drain", "{}").status());
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(api.submit("stamp_cut", "{\"tag\": \"cut-" + i + "\", \"ticks\": 300}"));
    }
    for (long id : ids) {
      assertEquals("h5", api.awaitJob(id, inState("running"), Duration.ofSeconds(60)).get("handler").asText());
    }
    assertEquals(200, api.post("/api/handlers/h4/undrain", "{}").status());
    List<Integer> others = cluster.nodeNames().stream().filter(n -> !n.equals("h5") && cluster.node(n).isAlive())
        .map(cluster::clusterPort).toList();
    NodeProcess node = cluster.node("h5");
    long cutAt = System.nanoTime();
    try (Partition cut = Partition.cut(cluster.clusterPort("h5"), CUT_GID, others)) {
      awaitRunningElsewhere(ids, "h5", Duration.ofSeconds(60));
      System.out.printf("partition: h5 cut off -> its %d job(s) running on h4 in %d ms%n",
          ids.size(), (System.nanoTime() - cutAt) / 1_000_000);
      // Its own split brain resolver downs it (a minority of one): it kills its jobs and exits.
      node.awaitExit(Duration.ofSeconds(60));
    }
    cluster.restartAll(List.of("h5")); // healed: it joins again
    assertFinishedOnceWithoutLateWrites(ids, "cut-", "h5");
  }

  private static String handlerOf(long id) {
    try {
      return api.job(id).get("handler").asText();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every job ends ok, no two of its attempts ran at once, and once a later attempt existed the
   * {@code lost} handler wrote no row for it (fenced).
   */
  private static void assertFinishedOnceWithoutLateWrites(List<Long> ids, String tagPrefix, String lost) throws Exception {
    for (int i = 0; i < ids.size(); i++) {
      JsonNode job = api.awaitJob(ids.get(i), inState("ok", "error"), Duration.ofSeconds(90));
      assertEquals("ok", job.get("state").asText(), job.toString());
      assertFalse(cluster.runsOverlap(tagPrefix + i), "attempts of " + tagPrefix + i + " overlapped: " + cluster.runsOf(tagPrefix + i));
    }
    try (java.sql.Connection c = cluster.database().connect();
        java.sql.PreparedStatement ps = c.prepareStatement("""
            SELECT count(*) FROM job_history h WHERE h.job_id = ? AND h.handler = ?
              AND h.id > (SELECT min(id) FROM job_history WHERE job_id = h.job_id AND attempt >= 2)""")) {
      for (long id : ids) {
        ps.setLong(1, id);
        ps.setString(2, lost);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertEquals(0, rs.getInt(1), "handler " + lost + " wrote for job " + id + " after it lost it");
        }
      }
    }
  }

  @Test
  @Order(5)
  void twoThousandJobsSurviveAKillAndARestartNoneLostNoneTwiceAtOnceNoneStuck() throws Exception {
    int total = 2000;
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<Long>> submitted = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      String tag = "churn-" + i;
      submitted.add(clients.submit(() -> api.submit("stamp", "{\"tag\": \"" + tag + "\", \"ticks\": 1}")));
    }
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < total; i++) {
      ids.add(submitted.get(i).get());
      if (i == total / 4) {
        cluster.node("h3").kill();
      }
    }
    clients.shutdown();
    awaitFinished(ids, total / 2);
    cluster.node("h1").stop(Duration.ofSeconds(90));
    cluster.node("h1").restart();
    cluster.awaitReady("h1");

    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    Set<Long> ok = new HashSet<>();
    while (ok.size() < total && System.nanoTime() < deadline) {
      ok.retainAll(ids);
      ok.addAll(TestCluster.jobIds(api, "ok"));
      ok.retainAll(ids);
      Thread.sleep(500); // poll interval of a deadline-bounded wait
    }
    assertEquals(List.of(), TestCluster.jobIds(api, "error,deleted").stream().filter(ids::contains).toList(), "none failed");
    assertEquals(total, ok.size(), "every job ok, none lost or stuck");
    int overlapping = 0;
    for (int i = 0; i < total; i++) {
      if (cluster.runsOverlap("churn-" + i)) {
        overlapping++;
      }
    }
    assertEquals(0, overlapping, "no job ran twice at the same time");
    assertTrue(cluster.runsOf("churn-0").size() >= 1);
  }

  /**
   * Job ends batched in memory (River's completer) are not lost with their handler: e1 holds every
   * end for a minute, so its jobs' work has ended but the table still says running when it is
   * killed. Its jobs then run again elsewhere (attempt 2), one run after the other, and end ok.
   */
  @Test
  @Tag("faults")
  @Order(6)
  void endsPendingInAKilledHandlerAreNotLostTheirJobsRunAgainWithoutOverlap() throws Exception {
    cluster.startHandler("e1", "special", 4, "galley.handler.end-batch-delay", "60s");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(api.submit("stamp_special", "{\"tag\": \"pending-" + i + "\", \"ticks\": 1}"));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!allRunsEnded(ids.size()) && System.nanoTime() < deadline) {
      Thread.sleep(100); // poll interval of a deadline-bounded wait
    }
    assertTrue(allRunsEnded(ids.size()), "every stamp run of e1 ended");
    for (long id : ids) {
      JsonNode job = api.job(id);
      assertEquals("running", job.get("state").asText(), "its end is pending in e1: " + job);
      assertEquals("e1", job.get("handler").asText());
    }
    cluster.node("e1").kill();
    cluster.startHandler("e2", "special", 4);
    for (int i = 0; i < ids.size(); i++) {
      JsonNode job = api.awaitJob(ids.get(i), inState("ok", "error"), Duration.ofSeconds(90));
      assertEquals("ok", job.get("state").asText(), job.toString());
      assertEquals(2, job.get("attempt").asInt(), "run again under the next attempt: " + job);
      assertEquals("e2", job.get("handler").asText());
      assertEquals(2, cluster.runsOf("pending-" + i).size(), "two runs: " + cluster.runsOf("pending-" + i));
      assertFalse(cluster.runsOverlap("pending-" + i), "runs of pending-" + i + " overlapped: " + cluster.runsOf("pending-" + i));
    }
  }

  /** Whether the first {@code n} pending-* stamp runs have all written their end record. */
  private static boolean allRunsEnded(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      java.nio.file.Path log = cluster.directory().resolve("stamps").resolve("pending-" + i + ".log");
      if (!java.nio.file.Files.exists(log) || !java.nio.file.Files.readString(log).contains("end ")) {
        return false;
      }
    }
    return true;
  }

  private static void awaitFinished(Set<Long> ids, int atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      long done = TestCluster.jobIds(api, "ok").stream().filter(ids::contains).count();
      if (done >= atLeast) {
        return;
      }
      Thread.sleep(200); // poll interval of a deadline-bounded wait
    }
    throw new AssertionError("fewer than " + atLeast + " jobs finished in time");
  }

  static Map<String, List<Long>> runs(String tag) throws Exception {
    return cluster.runsOf(tag);
  }
}
