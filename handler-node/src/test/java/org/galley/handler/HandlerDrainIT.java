package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.galley.core.db.Database;
import org.galley.core.job.JobStore;
import org.galley.core.testing.TestDatabase;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Draining and undraining a handler through the drains topic, with a real database and processes. */
class HandlerDrainIT {
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
}
