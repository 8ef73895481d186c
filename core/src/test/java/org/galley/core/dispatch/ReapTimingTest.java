package org.galley.core.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReapTimingTest {
  static final long S = 1_000_000_000L;
  final ReapTiming timing = ReapTiming.of(Duration.ofSeconds(2), Duration.ofSeconds(10));

  @Test
  void aHandlerUnreachableLongBeforeItsRemovalIsRequeuedAfterTheDelay() {
    assertEquals(Duration.ofSeconds(2), timing.delayAfterRemoval(100 * S, Optional.of(85 * S)));
  }

  @Test
  void aHandlerRemovedSoonAfterItWentUnreachableWaitsForItsOrphansToDie() {
    assertEquals(Duration.ofSeconds(7), timing.delayAfterRemoval(100 * S, Optional.of(97 * S)));
  }

  @Test
  void aHandlerRemovedWithoutEverBeingUnreachableWaitsTheWholeGuard() {
    // A new incarnation replacing the old one removes it at once: the old one's processes may still run.
    assertEquals(Duration.ofSeconds(10), timing.delayAfterRemoval(100 * S, Optional.empty()));
  }

  @Test
  void reconciliationRequeuesOnlyNamesAbsentForTheWholeGuard() {
    ReapTiming.Result first = timing.reconcile(100 * S, Set.of("a", "b"));
    assertEquals(Set.of(), first.due(), "just noticed");
    ReapTiming.Result second = first.timing().reconcile(105 * S, Set.of("a", "b"));
    assertEquals(Set.of(), second.due());
    ReapTiming.Result third = second.timing().reconcile(110 * S, Set.of("a"));
    assertEquals(Set.of("a"), third.due());
    ReapTiming.Result back = third.timing().reconcile(111 * S, Set.of("b"));
    assertEquals(Set.of(), back.due(), "b came back in between, so its absence starts again");
  }
}
