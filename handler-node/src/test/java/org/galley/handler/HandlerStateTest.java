package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.galley.handler.HandlerState.Change;
import org.galley.handler.HandlerState.JobSlot;
import org.galley.handler.HandlerState.Phase;
import org.galley.handler.HandlerState.StopReason;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunningJob;
import org.junit.jupiter.api.Test;

/** The handler's bookkeeping, without actors or I/O. */
class HandlerStateTest {

  /** Work that never ends by itself; the state only keeps it to hand it back for killing. */
  record FakeWork(String externalId, int slots) implements RunningJob {
    @Override
    public boolean outlivesHandler() {
      return slots == 0;
    }

    FakeWork(String externalId) {
      this(externalId, 1);
    }

    @Override
    public Path directory() {
      return Path.of("/nowhere");
    }

    @Override
    public CompletionStage<RunOutcome> outcome() {
      return new CompletableFuture<>();
    }

    @Override
    public void kill() {}

    @Override
    public boolean runsAlready() {
      return true;
    }

    @Override
    public void detach() {}
  }

  private static final RunningJob WORK = new FakeWork("42");

  /** A handler of {@code workers} slots running the given jobs (id to attempt). */
  private static HandlerState running(int workers, Map<Long, Integer> jobs) {
    HandlerState s = HandlerState.initial(workers).reserve(jobs.size()).claimed(jobs.size(), jobs);
    for (long id : jobs.keySet()) {
      s = s.started(id, WORK, true).state();
    }
    return s;
  }

  @Test
  void aClaimTakesAtMostTheFreeSlots() {
    HandlerState s = HandlerState.initial(2);
    assertEquals(2, s.claimable(5));
    assertEquals(1, s.claimable(1));
    assertEquals(0, s.claimable(0));
    s = s.reserve(2);
    assertEquals(0, s.freeSlots());
    assertEquals(0, s.claimable(5));
  }

  @Test
  void reservingMoreThanIsFreeIsABug() {
    assertThrows(IllegalStateException.class, () -> HandlerState.initial(2).reserve(3));
  }

  @Test
  void aClaimedJobTakesTheSlotOfItsReservationAndUnusedReservationsAreFreed() {
    HandlerState s = HandlerState.initial(4).reserve(3).claimed(3, Map.of(7L, 1));
    assertEquals(0, s.reserved());
    assertEquals(3, s.freeSlots());
    assertEquals(new JobSlot(7, 1, Phase.STARTING, StopReason.NONE, null, 1), s.slot(7).orElseThrow());
  }

  @Test
  void aFailedClaimFreesItsWholeReservation() {
    assertEquals(4, HandlerState.initial(4).reserve(3).claimed(3, Map.of()).freeSlots());
  }

  @Test
  void aSlotStaysTakenUntilTheEndIsRecorded() {
    HandlerState s = running(1, Map.of(7L, 1));
    assertEquals(0, s.freeSlots());
    s = s.ending(7);
    assertEquals(Phase.ENDING, s.slot(7).orElseThrow().phase());
    assertEquals(0, s.freeSlots());
    s = s.freed(7);
    assertEquals(1, s.freeSlots());
    assertTrue(s.slot(7).isEmpty());
  }

  @Test
  void aCancelKillsRunningWorkOnce() {
    HandlerState s = running(2, Map.of(7L, 1));
    Change first = s.stop(7, StopReason.CANCEL);
    assertEquals(List.of(7L), first.toKill().stream().map(JobSlot::jobId).toList());
    assertEquals(StopReason.CANCEL, first.state().slot(7).orElseThrow().stop());
    assertEquals(List.of(), first.state().stop(7, StopReason.CANCEL).toKill());
  }

  @Test
  void aCancelOfAStartingJobKillsItOnceItHasStarted() {
    HandlerState s = HandlerState.initial(2).reserve(1).claimed(1, Map.of(7L, 1));
    Change cancel = s.stop(7, StopReason.CANCEL);
    assertEquals(List.of(), cancel.toKill());
    Change started = cancel.state().started(7, WORK, true);
    assertEquals(List.of(7L), started.toKill().stream().map(JobSlot::jobId).toList());
    assertEquals(Phase.RUNNING, started.state().slot(7).orElseThrow().phase());
  }

  @Test
  void workOfAJobThatChangedBeforeItWasMarkedRunningIsKilledAndEndsAsACancel() {
    HandlerState s = HandlerState.initial(2).reserve(1).claimed(1, Map.of(7L, 1));
    Change started = s.started(7, WORK, false);
    assertEquals(List.of(7L), started.toKill().stream().map(JobSlot::jobId).toList());
    assertEquals(StopReason.CANCEL, started.state().slot(7).orElseThrow().stop());
  }

  @Test
  void aCancelOfAnEndingJobKillsNothingButIsRemembered() {
    HandlerState s = running(2, Map.of(7L, 1)).ending(7);
    Change cancel = s.stop(7, StopReason.CANCEL);
    assertEquals(List.of(), cancel.toKill());
    assertEquals(StopReason.CANCEL, cancel.state().slot(7).orElseThrow().stop());
  }

  @Test
  void aCancelOfAJobNotHeldHereChangesNothing() {
    HandlerState s = running(2, Map.of(7L, 1));
    assertEquals(new Change(s, List.of()), s.stop(8, StopReason.CANCEL));
  }

  @Test
  void stoppingTakesNoMoreClaimsAndKillsEveryRunningJob() {
    HandlerState s = running(3, Map.of(7L, 1, 8L, 2)).reserve(1);
    Change stop = s.stopAll();
    HandlerState stopping = stop.state();
    assertTrue(stopping.stopping());
    assertEquals(0, stopping.freeSlots());
    assertEquals(0, stopping.claimable(5));
    assertEquals(List.of(7L, 8L), stop.toKill().stream().map(JobSlot::jobId).sorted().toList());
    stopping.slots().values().forEach(slot -> assertEquals(StopReason.SHUTDOWN, slot.stop()));
  }

  @Test
  void aCancelDuringShutdownTurnsTheGiveBackIntoADeleteWithoutASecondKill() {
    HandlerState stopping = running(2, Map.of(7L, 1)).stopAll().state();
    Change cancel = stopping.stop(7, StopReason.CANCEL);
    assertEquals(List.of(), cancel.toKill());
    assertEquals(StopReason.CANCEL, cancel.state().slot(7).orElseThrow().stop());
    assertEquals(List.of(), cancel.state().stop(7, StopReason.SHUTDOWN).toKill(), "a shutdown does not undo a cancel");
  }

  @Test
  void jobsClaimedWhileStoppingAreToBeGivenBackNotStarted() {
    HandlerState s = HandlerState.initial(2).reserve(2).stopAll().state().claimed(2, Map.of(7L, 1));
    assertEquals(new JobSlot(7, 1, Phase.ENDING, StopReason.SHUTDOWN, null, 1), s.slot(7).orElseThrow());
  }

  @Test
  void aStoppingHandlerHasStoppedOnceNoSlotIsTakenOrReserved() {
    HandlerState s = running(3, Map.of(7L, 1)).reserve(1).stopAll().state();
    assertFalse(s.stopped());
    s = s.claimed(1, Map.of());
    assertFalse(s.stopped());
    s = s.ending(7).freed(7);
    assertTrue(s.stopped());
    assertFalse(HandlerState.initial(1).stopped(), "an idle handler that was not asked to stop has not stopped");
  }

  @Test
  void aDrainedHandlerOffersNoSlotsAndKeepsItsRunningJobsUntilUndrained() {
    HandlerState s = running(3, Map.of(7L, 1)).drained(true);
    assertFalse(s.takesWork());
    assertEquals(0, s.freeSlots());
    assertEquals(0, s.claimable(3));
    assertEquals(Phase.RUNNING, s.slot(7).orElseThrow().phase());
    assertEquals(StopReason.NONE, s.slot(7).orElseThrow().stop());
    s = s.drained(false);
    assertTrue(s.takesWork());
    assertEquals(2, s.freeSlots());
  }

  @Test
  void adoptedJobsHoldRunningSlotsEvenBeyondTheWorkers() {
    HandlerState s = HandlerState.initial(1).adopted(7, 1, WORK).adopted(8, 2, WORK);
    assertEquals(new JobSlot(8, 2, Phase.RUNNING, StopReason.NONE, WORK, 1), s.slot(8).orElseThrow());
    assertEquals(0, s.freeSlots());
    assertThrows(IllegalStateException.class, () -> s.reserve(1));
    assertEquals(0, s.ending(7).freed(7).freeSlots(), "still one adopted job for one worker");
    assertEquals(1, s.ending(7).freed(7).ending(8).freed(8).freeSlots());
  }

  @Test
  void aGracefulStopTakesNoWorkButKillsNothingUntilItsGraceIsOver() {
    HandlerState s = running(2, Map.of(7L, 1)).stopTakingWork();
    assertTrue(s.stopping());
    assertFalse(s.takesWork());
    assertEquals(0, s.freeSlots());
    assertEquals(StopReason.NONE, s.slot(7).orElseThrow().stop(), "it may still end by itself");
    assertFalse(s.stopped());
    Change over = s.stopAll();
    assertEquals(List.of(7L), over.toKill().stream().map(JobSlot::jobId).toList());
  }

  @Test
  void workTakesTheSlotsItsRunnerSaysAndASchedulerJobNone() {
    RunningJob fourCores = new FakeWork("4", 4);
    HandlerState s = HandlerState.initial(6).reserve(2).claimed(2, Map.of(1L, 1, 2L, 1));
    s = s.started(1, fourCores, true).state();
    assertEquals(1, s.freeSlots(), "4 for the local job, 1 for the one still starting");
    RunningJob slurmJob = new FakeWork("slurm-9", 0);
    s = s.started(2, slurmJob, true).state();
    assertEquals(2, s.freeSlots(), "a scheduler job takes no worker");
  }

  @Test
  void aGracefulStopLetsGoOfSchedulerJobsAtOnceAndLetsLocalOnesRun() {
    HandlerState s = HandlerState.initial(4).reserve(2).claimed(2, Map.of(1L, 1, 2L, 1));
    s = s.started(1, new FakeWork("local", 1), true).state().started(2, new FakeWork("slurm", 0), true).state();
    HandlerState.Change c = s.stopTakingWork().releaseOutliving();
    assertEquals(List.of(2L), c.toKill().stream().map(JobSlot::jobId).toList());
    assertEquals(StopReason.SHUTDOWN, c.state().slot(2).orElseThrow().stop());
    assertEquals(StopReason.NONE, c.state().slot(1).orElseThrow().stop());
  }
}
