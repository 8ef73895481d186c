package org.galley.core.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PoolStateTest {
  static final ActorTestKit kit = ActorTestKit.create(
      com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
  static final ActorRef<HandlerCommand> a = kit.<HandlerCommand>createTestProbe().ref();
  static final ActorRef<HandlerCommand> b = kit.<HandlerCommand>createTestProbe().ref();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void placesOnlyOnLiveHandlersWithFreeSlots() {
    PoolState s = PoolState.initial().withCapacity(a, "a", 3, false);
    assertTrue(s.place().isEmpty(), "a reported handler that is not listed is not live");
    s = s.withLive(Set.of(a, b));
    assertEquals(Set.of(b), s.unknownLive());
    assertEquals("a", s.place().orElseThrow().serverName());
    s = s.withCapacity(a, "a", 0, false).withCapacity(b, "b", 0, false);
    assertTrue(s.place().isEmpty(), "no free slot anywhere");
  }

  @Test
  void ranksByFreeSlotsAndSkipsDrainingHandlers() {
    PoolState s = PoolState.initial().withLive(Set.of(a, b))
        .withCapacity(a, "a", 2, false).withCapacity(b, "b", 5, false);
    assertEquals("b", s.place().orElseThrow().serverName());
    s = s.withCapacity(b, "b", 5, true);
    assertEquals("a", s.place().orElseThrow().serverName());
  }

  @Test
  void sendsOneClaimAtATimePerHandler() {
    PoolState s = PoolState.initial().withLive(Set.of(a)).withCapacity(a, "a", 4, false);
    long ticket = s.nextTicket();
    s = s.claimSent(s.place().orElseThrow());
    assertTrue(s.place().isEmpty(), "a claim is under way");
    s = s.claimDone(ticket, a, 4, 4, 0);
    assertTrue(s.pending(), "a full claim may have left more work");
    s = s.withCapacity(a, "a", 1, false);
    assertEquals("a", s.place().orElseThrow().serverName());
  }

  @Test
  void aShortClaimClearsPendingOnlyWhenNothingWasSubmittedSinceItWasSent() {
    PoolState s = PoolState.initial().withLive(Set.of(a)).withCapacity(a, "a", 4, false);
    long first = s.nextTicket();
    s = s.claimSent(s.place().orElseThrow()).submitted();
    s = s.claimDone(first, a, 4, 1, 3);
    assertTrue(s.pending(), "a job submitted after the claim was sent may not have been seen");
    long second = s.nextTicket();
    s = s.claimSent(s.place().orElseThrow());
    s = s.claimDone(second, a, 3, 0, 3);
    assertFalse(s.pending());
    assertTrue(s.place().isEmpty(), "nothing to place until a submission or a sweep");
    assertTrue(s.swept(2).place().isPresent());
    assertTrue(s.submitted().place().isPresent());
  }

  @Test
  void forgetsHandlersThatLeaveTheListingAndTheirClaims() {
    PoolState s = PoolState.initial().withLive(Set.of(a, b))
        .withCapacity(a, "a", 1, false).withCapacity(b, "b", 1, false);
    s = s.claimSent(s.handlers().get(a));
    s = s.withLive(Set.of(b));
    assertEquals(Set.of(b), s.handlers().keySet());
    assertTrue(s.claims().isEmpty());
    assertEquals(1, s.liveHandlers());
  }

  @Test
  void aFullHandlerAskedForNothingKeepsThePoolPending() {
    PoolState s = PoolState.initial().withLive(Set.of(a)).withCapacity(a, "a", 1, false);
    long t = s.nextTicket();
    s = s.claimSent(s.place().orElseThrow()).claimDone(t, a, 0, 0, 0);
    assertTrue(s.pending());
  }
}
