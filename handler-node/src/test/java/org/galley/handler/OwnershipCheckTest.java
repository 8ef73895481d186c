package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.galley.handler.HandlerState.JobSlot;
import org.galley.handler.HandlerState.Phase;
import org.galley.handler.HandlerState.StopReason;
import org.junit.jupiter.api.Test;

class OwnershipCheckTest {
  private static JobSlot running(long id, int attempt) {
    return new JobSlot(id, attempt, Phase.RUNNING, StopReason.NONE, null, 1);
  }

  @Test
  void anAttemptTheTableGaveToAnotherAttemptIsDisownedOnTheSecondReadThatLacksIt() {
    Map<Long, JobSlot> slots = Map.of(1L, running(1, 1), 2L, running(2, 1));
    OwnershipCheck.Result first = OwnershipCheck.initial().check(slots, Map.of(1L, 1));
    assertEquals(List.of(), first.disowned(), "one read may have begun before the claim committed");
    OwnershipCheck.Result second = first.next().check(slots, Map.of(1L, 1, 2L, 2));
    assertEquals(List.of(running(2, 1)), second.disowned(), "job 2 runs attempt 2 elsewhere");
  }

  @Test
  void anAttemptFoundAgainIsNoLongerSuspect() {
    Map<Long, JobSlot> slots = Map.of(1L, running(1, 1));
    OwnershipCheck.Result first = OwnershipCheck.initial().check(slots, Map.of());
    OwnershipCheck.Result second = first.next().check(slots, Map.of(1L, 1));
    assertEquals(List.of(), second.disowned());
    assertEquals(List.of(), second.next().check(slots, Map.of()).disowned(), "two reads in a row, not two at all");
  }

  @Test
  void startingEndingAndAlreadyDisownedAttemptsAreLeftAlone() {
    Map<Long, JobSlot> slots = Map.of(
        1L, new JobSlot(1, 1, Phase.STARTING, StopReason.NONE, null, 1),
        2L, new JobSlot(2, 1, Phase.ENDING, StopReason.NONE, null, 1),
        3L, new JobSlot(3, 1, Phase.RUNNING, StopReason.DISOWNED, null, 1));
    OwnershipCheck.Result first = OwnershipCheck.initial().check(slots, Map.of());
    assertEquals(List.of(), first.next().check(slots, Map.of()).disowned());
  }

  @Test
  void beingDisownedOverridesACancelAndIsFinal() {
    HandlerState s = HandlerState.initial(2).claimed(0, Map.of());
    HandlerState withSlot = new HandlerState(2, 0, Map.of(1L, new JobSlot(1, 1, Phase.RUNNING, StopReason.CANCEL, null, 1)),
        false, false);
    HandlerState.Change c = withSlot.stop(1, StopReason.DISOWNED);
    assertEquals(StopReason.DISOWNED, c.state().slot(1).orElseThrow().stop());
    assertEquals(List.of(), c.toKill(), "a cancel is killing it already");
    assertEquals(StopReason.DISOWNED, c.state().stop(1, StopReason.CANCEL).state().slot(1).orElseThrow().stop());
    assertEquals(0, s.slots().size());
  }
}
