package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.galley.core.cluster.FastStop;
import org.galley.core.job.Job;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.Test;

/** Cancelling jobs and stopping the handler, with real processes and a real database. */
class HandlerStopIT extends HandlerFixture {
  private HandlerHarness start(String name, int workers, Duration cancelCheckInterval) {
    handler = new HandlerHarness(store, varDir, name, workers, cancelCheckInterval);
    return handler;
  }

  /** A handler whose graceful stop waits up to {@code shutdownGrace}. */
  private HandlerHarness startWithGrace(String name, int workers, Duration shutdownGrace) {
    handler = new HandlerHarness(store, varDir, name, workers, Duration.ofHours(1), shutdownGrace, Set.of());
    return handler;
  }

  /** Starts {@code n} jobs that would sleep for 100 s and returns their ids once they run. */
  private static List<Long> runSleepers(HandlerHarness h, int n) {
    List<Long> ids = java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> h.submit("sleep", Map.of("seconds", 100)).id()).toList();
    assertEquals(n, h.claim(n).claimed());
    ids.forEach(h::pgid);
    return ids;
  }

  private static void assertGroupGone(long pgid) {
    Eventually.within(Duration.ofSeconds(2), () -> assertEquals(List.of(), ProcessTable.livingMembers(pgid)));
  }

  @Test
  void aCancelledRunningJobIsDeletedQuicklyAndItsProcessGroupKilled() {
    // No table check in this test's lifetime: only the cancel message can stop the job.
    HandlerHarness h = start("h-cancel", 2, Duration.ofHours(1));
    long id = runSleepers(h, 1).get(0);
    long pgid = h.pgid(id);
    assertEquals(JobState.DELETING, store.cancel(id).orElseThrow().state());
    h.publishCancel(id);
    Job deleted = h.await(id, JobState.DELETED);
    assertEquals(128 + 15, deleted.exitCode(), "SIGTERM ended it within the kill grace");
    assertGroupGone(pgid);
    assertEquals(2, h.expectCapacity().freeSlots());
  }

  @Test
  void aCancelWhoseMessageWasLostIsFoundInTheTable() {
    HandlerHarness h = start("h-lost-cancel", 1, Duration.ofMillis(200));
    long id = runSleepers(h, 1).get(0);
    long pgid = h.pgid(id);
    store.cancel(id);
    h.await(id, JobState.DELETED);
    assertGroupGone(pgid);
  }

  @Test
  void aJobBeingCancelledThatHoldsNoSlotHereIsDeletedDirectly() {
    HandlerHarness h = start("h-idle-cancel", 1, Duration.ofMillis(200));
    h.awaitTakingWork(); // recovery would give a job claimed before back
    long id = h.submit("sleep", Map.of("seconds", 100)).id();
    // Claimed in the table for this handler, but the handler never heard of it.
    assertEquals(1, store.claimNew(h.pool, h.serverName, 1).size());
    store.cancel(id);
    assertNull(h.await(id, JobState.DELETED).externalId());
  }

  @Test
  void stoppingKillsRunningJobsGivesThemBackAndTakesNoMoreWork() throws Exception {
    HandlerHarness h = start("h-stop", 2, Duration.ofHours(1));
    List<Long> ids = runSleepers(h, 2);
    List<Long> groups = ids.stream().map(h::pgid).toList();
    h.node.stopNow().toCompletableFuture().get(HandlerHarness.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    for (long id : ids) {
      Job back = h.job(id);
      assertEquals(JobState.NEW, back.state());
      assertEquals(2, back.attempt());
      assertNull(back.handler());
      assertEquals("handler h-stop stopped", back.info());
    }
    groups.forEach(HandlerStopIT::assertGroupGone);
    assertEquals(new HandlerCapacity(h.node.handler(), "h-stop", 0, true), h.expectCapacity());
    assertEquals(new ClaimDone(h.node.handler(), 2, 0, 0, 0), h.claim(2));
    assertEquals(JobState.NEW, h.job(ids.get(0)).state());
  }

  @Test
  void aFastStopKillsAtOnceAndGivesTheJobsBackBeforeTheSystemTerminates() throws Exception {
    HandlerHarness h = startWithGrace("h-fast", 1, Duration.ofSeconds(10));
    long id = runSleepers(h, 1).get(0);
    long pgid = h.pgid(id);
    long t0 = System.nanoTime();
    h.shutdown(FastStop.INSTANCE);
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(10)) < 0, "no grace for Ctrl-C");
    Job back = h.job(id);
    assertEquals(JobState.NEW, back.state());
    assertEquals(2, back.attempt());
    assertGroupGone(pgid);
  }

  @Test
  void aNodeDownedByTheClusterStopsAtOnceForItsJobsAreRequeuedElsewhere() throws Exception {
    HandlerHarness h = startWithGrace("h-downed", 1, Duration.ofSeconds(10));
    long id = runSleepers(h, 1).get(0);
    long t0 = System.nanoTime();
    h.shutdown(CoordinatedShutdown.clusterDowningReason());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(10)) < 0);
    assertEquals(2, h.job(id).attempt());
  }

  @Test
  void aGracefulStopTakesNoWorkAndLetsAJobShorterThanTheGraceEndOk() throws Exception {
    HandlerHarness h = startWithGrace("h-graceful", 2, Duration.ofSeconds(10));
    long id = h.submit("gate", Map.of()).id();
    h.claim(1);
    h.pgid(id);
    CompletableFuture<Done> stopping = CoordinatedShutdown.get(h.kit.system())
        .runAll(CoordinatedShutdown.jvmExitReason()).toCompletableFuture();
    awaitDraining(h);
    long waiting = h.submit("sleep", Map.of("seconds", 0)).id();
    assertEquals(0, h.claim(2).claimed());
    assertFalse(stopping.isDone());
    h.openGate(id);
    stopping.get(HandlerHarness.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    Job done = h.job(id);
    assertEquals(JobState.OK, done.state());
    assertEquals(1, done.attempt());
    assertEquals(JobState.NEW, h.job(waiting).state());
  }

  @Test
  void aGracefulStopKillsAndGivesBackAJobLongerThanTheGraceOnceTheGraceIsOver() throws Exception {
    Duration grace = Duration.ofSeconds(1);
    HandlerHarness h = startWithGrace("h-grace-over", 1, grace);
    long id = runSleepers(h, 1).get(0);
    long pgid = h.pgid(id);
    long t0 = System.nanoTime();
    h.shutdown(CoordinatedShutdown.unknownReason());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(grace) >= 0, "the job had its grace");
    Job back = h.job(id);
    assertEquals(JobState.NEW, back.state());
    assertEquals(2, back.attempt());
    assertEquals("handler h-grace-over stopped", back.info());
    assertGroupGone(pgid);
  }

  private static void awaitDraining(HandlerHarness h) {
    h.dispatcher.fishForMessage(HandlerHarness.DEADLINE, m -> m instanceof HandlerCapacity c && c.draining()
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

  @Test
  void aJobCancelledDuringTheStopIsDeletedNotGivenBack() throws Exception {
    HandlerHarness h = start("h-stop-cancel", 1, Duration.ofHours(1));
    long id = runSleepers(h, 1).get(0);
    store.cancel(id);
    h.node.stopNow().toCompletableFuture().get(HandlerHarness.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(JobState.DELETED, h.job(id).state());
  }
}
