package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.JobEnds;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.Test;

/**
 * The handler side of fencing and the attempts that count, with real processes and a real database:
 * work the table gave away is killed without a word, and give-backs count toward max-attempts (3
 * here) unless the handler was drained for a planned restart.
 */
class HandlerFencingIT extends HandlerFixture {
  private HandlerHarness start(String name, Duration checkInterval) {
    handler = new HandlerHarness(store, varDir, name, 2, checkInterval);
    return handler;
  }

  private static void assertGroupGone(long pgid) {
    Eventually.within(Duration.ofSeconds(5), () -> assertEquals(List.of(), ProcessTable.livingMembers(pgid)));
  }

  /** History rows written for the job by {@code handler} under {@code attempt}. */
  private static int rowsOf(long jobId, int attempt, String handler) throws Exception {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM job_history WHERE job_id = ? AND attempt = ? AND handler = ?")) {
      ps.setLong(1, jobId);
      ps.setInt(2, attempt);
      ps.setString(3, handler);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void workWhoseAttemptTheTableGaveAwayIsKilledAndNothingIsWrittenForIt() throws Exception {
    HandlerHarness h = start("h-disowned", Duration.ofMillis(200));
    long id = h.submit("sleep", Map.of("seconds", 100)).id();
    assertEquals(1, h.claim(1).claimed());
    long pgid = h.pgid(id);
    int before = rowsOf(id, 1, "h-disowned");
    // What the reaper does when the cluster lost this handler (frozen, cut off) and removed it.
    assertTrue(store.ends().requeue(id, 1, "handler h-disowned left the cluster"));
    assertGroupGone(pgid);
    Eventually.within(HandlerHarness.DEADLINE, () -> assertEquals(2, h.expectCapacity().freeSlots()));
    Job job = h.job(id);
    assertEquals(JobState.NEW, job.state());
    assertEquals(2, job.attempt());
    assertEquals("handler h-disowned left the cluster", job.info());
    assertEquals(before, rowsOf(id, 1, "h-disowned"), "nothing written under the old attempt");
  }

  /** Moves a new job of the handler's pool to {@code attempt}, each attempt before lost with some handler. */
  private static Job lostTwice(HandlerHarness h) {
    Job job = h.submit("sleep", Map.of("seconds", 100));
    for (int attempt = 1; attempt <= 2; attempt++) {
      assertEquals(1, store.claimNew(h.pool, "elsewhere", 1).size());
      assertTrue(store.ends().requeueCounted(job.id(), attempt, 3, "handler elsewhere left the cluster"));
    }
    return h.job(job.id());
  }

  @Test
  void aJobGivenBackByAStoppingHandlerOnItsLastAttemptEndsInErrorSayingSo() throws Exception {
    HandlerHarness h = start("h-poison", Duration.ofHours(1));
    h.awaitTakingWork();
    Job job = lostTwice(h);
    assertEquals(3, job.attempt());
    assertEquals(1, h.claim(1).claimed());
    long pgid = h.pgid(job.id());
    h.node.stopNow().toCompletableFuture().get(HandlerHarness.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    Job last = h.job(job.id());
    assertEquals(JobState.ERROR, last.state(), last.toString());
    assertEquals(JobEnds.lastAttemptInfo("handler h-poison stopped", 3), last.info());
    assertGroupGone(pgid);
  }

  @Test
  void aDrainedHandlersGiveBackDoesNotCountSoARollingRestartFailsNoHealthyJob() throws Exception {
    HandlerHarness h = start("h-planned", Duration.ofHours(1));
    h.awaitTakingWork();
    Job job = lostTwice(h);
    assertEquals(1, h.claim(1).claimed());
    h.pgid(job.id());
    h.setDrained(true);
    Eventually.within(HandlerHarness.DEADLINE, () -> assertTrue(h.describe().drained()));
    h.node.stopNow().toCompletableFuture().get(HandlerHarness.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    Job back = h.job(job.id());
    assertEquals(JobState.NEW, back.state(), back.toString());
    assertEquals(4, back.attempt());
    assertTrue(back.info().contains("not counted"), back.info());
  }
}
