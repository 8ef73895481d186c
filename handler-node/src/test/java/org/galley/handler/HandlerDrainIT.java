package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.galley.protocol.DispatchProtocol.ApplyDrain;
import org.galley.protocol.DispatchProtocol.Claim;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.DrainApplied;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.Test;

/** Draining and undraining a handler through the drains topic, with a real database and processes. */
class HandlerDrainIT extends HandlerFixture {
  /** Skips capacity reports until one says {@code draining}, and returns it. */
  private static HandlerCapacity awaitCapacity(TestProbe<DispatcherCommand> probe, boolean draining) {
    var got = probe.fishForMessage(HandlerHarness.DEADLINE, m -> m instanceof HandlerCapacity c && c.draining() == draining
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (HandlerCapacity) got.get(got.size() - 1);
  }

  @Test
  void whileDrainedItTellsEveryDispatcherTakesNoWorkAndLetsItsRunningJobEnd() throws Exception {
    HandlerHarness h = handler = new HandlerHarness(store, varDir, "h-drain", 2, Duration.ofHours(1));
    long running = h.submit("gate", Map.of()).id();
    assertEquals(1, h.claim(2).claimed());
    h.pgid(running);

    h.setDrained(true);
    HandlerCapacity drained = new HandlerCapacity(h.node.handler(), "h-drain", 0, true);
    assertEquals(drained, awaitCapacity(h.dispatcher, true), "the dispatcher it heard from");
    assertEquals(drained, awaitCapacity(h.announcements, true), "the dispatcher of each pool it serves");
    assertTrue(h.describe().drained());
    long waiting = h.submit("sleep", Map.of("seconds", 0)).id();
    assertEquals(new ClaimDone(h.node.handler(), 2, 0, 0, 0), h.claim(2));
    assertEquals(JobState.NEW, h.job(waiting).state());

    h.openGate(running);
    assertEquals(0, h.await(running, JobState.OK).exitCode());

    h.setDrained(false);
    HandlerCapacity undrained = new HandlerCapacity(h.node.handler(), "h-drain", 2, false);
    assertEquals(undrained, awaitCapacity(h.dispatcher, false));
    assertEquals(undrained, awaitCapacity(h.announcements, false));
    assertEquals(1, h.claim(2).claimed());
    h.await(waiting, JobState.OK);
  }

  @Test
  void aHandlerDrainedBeforeItStartedTakesNoWorkFromItsFirstWord() {
    HandlerHarness h = handler = new HandlerHarness(store, varDir, "h-drained-early", 2, Duration.ofHours(1),
        Duration.ofSeconds(5), Set.of("h-drained-early"));
    HandlerCapacity drained = new HandlerCapacity(h.node.handler(), "h-drained-early", 0, true);
    assertEquals(drained, h.announcements.expectMessageClass(HandlerCapacity.class, HandlerHarness.DEADLINE));
    assertEquals(drained, h.announcements.expectMessageClass(HandlerCapacity.class, HandlerHarness.DEADLINE));
    assertTrue(h.describe().drained());
    assertEquals(new ClaimDone(h.node.handler(), 1, 0, 0, 0), h.claim(1));
  }

  @Test
  void aDirectDrainIsAnsweredOnlyOnceNoClaimIsInFlight() throws Exception {
    HandlerHarness h = handler = new HandlerHarness(store, varDir, "h-apply", 2, Duration.ofHours(1));
    h.awaitTakingWork(); // not still reading the table, which the lock below would block
    TestProbe<DispatcherCommand> dispatcher = h.kit.createTestProbe();
    TestProbe<DrainApplied> applied = h.kit.createTestProbe();
    long submitted;
    try (Connection lock = db.dataSource().getConnection()) {
      lock.setAutoCommit(false);
      lock.createStatement().execute("LOCK TABLE job IN ACCESS EXCLUSIVE MODE"); // the claim waits
      h.node.handler().tell(new Claim(h.pool, 2, 1, dispatcher.ref()));
      h.node.handler().tell(new ApplyDrain(true, applied.ref()));
      applied.expectNoMessage(Duration.ofMillis(300));
      lock.rollback();
    }
    assertEquals(new DrainApplied("h-apply", true), applied.expectMessageClass(DrainApplied.class, HandlerHarness.DEADLINE));
    submitted = h.submit("sleep", Map.of("seconds", 0)).id();
    ClaimDone refused = h.claim(2);
    assertEquals(0, refused.requested(), "drained: no new job");
    assertEquals(0, refused.claimed());
    assertEquals(JobState.NEW, h.job(submitted).state());

    h.node.handler().tell(new ApplyDrain(false, applied.ref()));
    assertEquals(new DrainApplied("h-apply", false), applied.expectMessageClass(DrainApplied.class, HandlerHarness.DEADLINE));
    assertEquals(1, h.claim(2).claimed());
  }
}
