package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.galley.core.db.Database;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.testing.TestDatabase;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling jobs and stopping the handler, with real processes and a real database. */
class HandlerStopIT {
  static Database db;
  static JobStore store;

  @TempDir
  Path varDir;

  private HandlerHarness handler;

  @BeforeAll
  static void openDatabase() {
    db = TestDatabase.fresh();
    store = new JobStore(db.dataSource());
  }

  @AfterAll
  static void closeDatabase() throws Exception {
    db.close();
  }

  @AfterEach
  void stopHandler() {
    if (handler != null) {
      handler.close();
    }
  }

  private HandlerHarness start(String name, int workers, Duration cancelCheckInterval) {
    handler = new HandlerHarness(store, varDir, name, workers, cancelCheckInterval);
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
    h.node.stop().toCompletableFuture().get(HandlerHarness.DEADLINE.toSeconds(), TimeUnit.SECONDS);
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
  void coordinatedShutdownGivesTheJobsBackBeforeTheSystemTerminates() throws Exception {
    HandlerHarness h = start("h-shutdown", 1, Duration.ofHours(1));
    long id = runSleepers(h, 1).get(0);
    long pgid = h.pgid(id);
    CoordinatedShutdown.get(h.kit.system()).runAll(CoordinatedShutdown.unknownReason())
        .toCompletableFuture().get(HandlerHarness.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    Job back = h.job(id);
    assertEquals(JobState.NEW, back.state());
    assertEquals(2, back.attempt());
    assertGroupGone(pgid);
  }

  @Test
  void aJobCancelledDuringTheStopIsDeletedNotGivenBack() throws Exception {
    HandlerHarness h = start("h-stop-cancel", 1, Duration.ofHours(1));
    long id = runSleepers(h, 1).get(0);
    store.cancel(id);
    h.node.stop().toCompletableFuture().get(HandlerHarness.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(JobState.DELETED, h.job(id).state());
  }
}
