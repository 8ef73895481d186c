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
 * Liveness from membership, on real processes: one web node and three handlers. A handler
 * killed with -9 loses its jobs to the others, one restarted under its name takes its jobs
 * back, and thousands of jobs survive both at once without running twice at the same time.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  static TestCluster cluster;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create("failover");
    api = cluster.startWeb("web0");
    for (String h : List.of("h1", "h2", "h3")) {
      cluster.startHandler(h, "default", 4);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void jobsOfAKilledHandlerFinishElsewhereWithoutOverlappingAttempts() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(api.submit("stamp", "{\"tag\": \"failover-" + i + "\", \"ticks\": 60}"));
    }
    for (long id : ids) {
      api.awaitJob(id, inState("running"), Duration.ofSeconds(60));
    }
    String victim = api.job(ids.get(0)).get("handler").asText();
    List<Long> victims = new ArrayList<>();
    for (long id : ids) {
      if (api.job(id).get("handler").asText().equals(victim)) {
        victims.add(id);
      }
    }
    long killedAt = System.nanoTime();
    cluster.node(victim).kill();

    long lastRedispatch = 0;
    for (long id : victims) {
      api.awaitJob(id, j -> j.get("attempt").asInt() >= 2 && j.get("state").asText().matches("running|ok"), Duration.ofSeconds(90));
      lastRedispatch = System.nanoTime();
    }
    System.out.printf("failover: kill -9 of %s -> all %d of its jobs re-dispatched in %d ms%n",
        victim, victims.size(), (lastRedispatch - killedAt) / 1_000_000);
    for (int i = 0; i < ids.size(); i++) {
      JsonNode job = api.awaitJob(ids.get(i), inState("ok", "error"), Duration.ofSeconds(90));
      assertEquals("ok", job.get("state").asText(), job.toString());
      assertFalse(job.get("handler").asText().equals(victim), "finished on a live handler");
      assertFalse(cluster.runsOverlap("failover-" + i), "attempts of failover-" + i + " overlapped: " + cluster.runsOf("failover-" + i));
    }
    cluster.node(victim).restart();
    cluster.awaitReady(victim);
  }

  @Test
  @Order(2)
  void aHandlerRestartedUnderItsNameTakesItsRunningAndFinishedJobsBack() throws Exception {
    long longJob = api.submit("stamp_h2", "{\"tag\": \"recover-long\", \"ticks\": 200}");
    long shortJob = api.submit("stamp_h2", "{\"tag\": \"recover-short\", \"ticks\": 20}");
    api.awaitJob(longJob, inState("running"), Duration.ofSeconds(60));
    api.awaitJob(shortJob, inState("running"), Duration.ofSeconds(60));
    cluster.node("h2").kill();
    cluster.node("h2").restart();
    cluster.awaitReady("h2");

    JsonNode shortDone = api.awaitJob(shortJob, inState("ok", "error"), Duration.ofSeconds(60));
    assertEquals("ok", shortDone.get("state").asText(), shortDone.toString());
    assertEquals(1, shortDone.get("attempt").asInt(), "finished meanwhile: read from its exit-code file");
    JsonNode longDone = api.awaitJob(longJob, inState("ok", "error"), Duration.ofSeconds(60));
    assertEquals("ok", longDone.get("state").asText(), longDone.toString());
    assertEquals(1, longDone.get("attempt").asInt(), "still running: watched again, not run twice");
    assertEquals(1, cluster.runsOf("recover-long").size(), "one run only: " + cluster.runsOf("recover-long"));
    assertEquals("h2", longDone.get("handler").asText());
  }

  @Test
  @Order(3)
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
   * Job ends batched in memory (River's completer) are not lost with their handler: h4 holds every
   * end for a minute, so its jobs' work has ended but the table still says running when it is
   * killed. Its jobs then run again elsewhere (attempt 2), one run after the other, and end ok.
   */
  @Test
  @Order(4)
  void endsPendingInAKilledHandlerAreNotLostTheirJobsRunAgainWithoutOverlap() throws Exception {
    cluster.startHandler("h4", "special", 4, "galley.handler.end-batch-delay", "60s");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(api.submit("stamp_special", "{\"tag\": \"pending-" + i + "\", \"ticks\": 1}"));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!allRunsEnded(ids.size()) && System.nanoTime() < deadline) {
      Thread.sleep(100); // poll interval of a deadline-bounded wait
    }
    assertTrue(allRunsEnded(ids.size()), "every stamp run of h4 ended");
    for (long id : ids) {
      JsonNode job = api.job(id);
      assertEquals("running", job.get("state").asText(), "its end is pending in h4: " + job);
      assertEquals("h4", job.get("handler").asText());
    }
    cluster.node("h4").kill();
    cluster.startHandler("h5", "special", 4);
    for (int i = 0; i < ids.size(); i++) {
      JsonNode job = api.awaitJob(ids.get(i), inState("ok", "error"), Duration.ofSeconds(90));
      assertEquals("ok", job.get("state").asText(), job.toString());
      assertEquals(2, job.get("attempt").asInt(), "run again under the next attempt: " + job);
      assertEquals("h5", job.get("handler").asText());
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
