package org.galley.handler;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.galley.core.job.Job;
import org.galley.handler.HandlerActor.Deleting;
import org.galley.handler.HandlerActor.OutputTooLarge;
import org.galley.handler.HandlerState.JobSlot;
import org.galley.handler.HandlerState.StopReason;
import org.galley.handler.HandlerSteps.EndRecorded;
import org.galley.handler.HandlerSteps.EndsRecorded;
import org.galley.handler.HandlerSteps.StartDone;
import org.galley.handler.HandlerSteps.WorkEnded;
import org.galley.handler.HandlerSteps.WorkNote;
import org.galley.handler.HandlerSteps.WorkRunning;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.slf4j.Logger;

/**
 * The attempts a {@link HandlerActor} holds, from their claim to their recorded end: starting them
 * (again, after a failed start), following what their runners say, stopping them, and writing their
 * ends in batches. Runs on the actor's thread only, as part of the actor: it owns the
 * {@link HandlerState}, which the actor reads and changes for claims, drains and stops; every
 * blocking step goes through {@link HandlerSteps}.
 */
final class AttemptFlow {
  /** What the flow tells its actor. */
  interface Host {
    /** Slots were freed (or a stop may be complete): report capacity, finish a stop, claim again. */
    void slotsFreed();
  }

  private final Host host;
  private final String serverName;
  private final Attempts attempts;
  private final HandlerSteps steps;
  private final TimerScheduler<HandlerCommand> timers;
  private final Duration retryDelay;
  private final Recovery recovery;
  private final Logger log;
  private final java.util.Set<String> servedPools;
  private final EndBatch ends;
  private final Duration endBatchDelay;
  /** The starts of a claim are being taken in: their ends are written together afterwards. */
  private boolean holdingEnds;
  /** Attempts the last ownership check did not find in the table. */
  private OwnershipCheck ownership = OwnershipCheck.initial();
  /** An adoption of released attempts is under way. */
  private boolean adopting;
  /** Most released attempts one adoption takes. */
  private static final int ADOPT_BATCH = 500;
  HandlerState state;

  AttemptFlow(Host host, HandlerSetup setup, HandlerSteps steps, TimerScheduler<HandlerCommand> timers, Logger log,
      HandlerState initial, EndBatch.Settings endBatch) {
    this.host = host;
    this.ends = new EndBatch(endBatch);
    this.endBatchDelay = endBatch.delay();
    this.serverName = setup.serverName();
    this.attempts = setup.attempts();
    this.steps = steps;
    this.timers = timers;
    this.retryDelay = setup.settings().cancelCheckInterval();
    this.recovery = setup.recovery();
    this.servedPools = setup.servedPools();
    this.log = log;
    this.state = initial;
  }

  /** Starts claimed jobs; while stopping they are given back unstarted. */
  void startClaimed(List<Job> jobs) {
    if (!state.stopping()) {
      steps.startAll(jobs);
      return;
    }
    for (Job job : jobs) {
      steps.record(job.id(), () -> attempts.ends().endUnstarted(job.id(), job.attempt(), StopReason.SHUTDOWN));
    }
  }

  /** The starts of one claim's jobs, one by one as each alone would come back. */
  void onStartsDone(HandlerSteps.StartsDone m) {
    // Ends that are known already (no-op work, a process that ended before its start was recorded)
    // go into one write together, not the first alone and the rest in the next.
    holdingEnds = true;
    try {
      m.starts().forEach(this::onStartDone);
    } finally {
      holdingEnds = false;
    }
    recordEnds();
  }

  void onStartDone(StartDone m) {
    long id = m.job().id();
    if (m.failure() != null) {
      log.warn("job {} attempt {} did not start, trying again in {}: {}",
          id, m.job().attempt(), retryDelay, m.failure().toString());
      timers.startSingleTimer("start-" + id, new HandlerActor.Retry(() -> startAgain(m.job())), retryDelay);
    } else if (m.result() instanceof Attempts.Started started) {
      if (!started.marked()) {
        log.info("job {} changed before it was marked running; stopping its work", id);
      }
      apply(state.started(id, started.work(), started.marked()));
      steps.metrics().started(m.job());
      watch(id, started.work());
      if (started.work().slots() == 0) {
        freedByStart(); // a scheduler job waits and runs elsewhere: its worker is free again at once
      }
    } else {
      log.info("job {} not started: {}", id, ((Attempts.NotStarted) m.result()).why());
      freed(id);
    }
  }

  /** Starts a job whose start failed, unless it is to stop or the handler stops: then it ends unstarted. */
  void startAgain(Job job) {
    JobSlot slot = state.slot(job.id()).orElse(null);
    if (slot == null) {
      return;
    }
    if (slot.stop() == StopReason.NONE && !state.stopping()) {
      steps.start(job);
    } else {
      StopReason why = slot.stop() == StopReason.CANCEL ? StopReason.CANCEL : StopReason.SHUTDOWN;
      state = state.ending(job.id());
      steps.record(job.id(), () -> attempts.ends().endUnstarted(job.id(), job.attempt(), why));
    }
  }

  void onWorkEnded(WorkEnded m) {
    JobSlot slot = state.slot(m.jobId()).orElse(null);
    if (slot == null) {
      log.error("work of job {} ended, but no slot holds it", m.jobId());
      return;
    }
    state = state.ending(slot.jobId());
    if (ends.add(new AttemptEnds.End(slot.jobId(), slot.attempt(), slot.work(), m.outcome(), slot.stop()))) {
      timers.startSingleTimer("end-batch-delay", new HandlerActor.Retry(() -> {
        ends.delayOver();
        recordEnds();
      }), endBatchDelay);
    }
    recordEnds();
  }

  void onWorkRunning(WorkRunning m) {
    if (state.slot(m.jobId()).filter(s -> s.attempt() == m.attempt()).isPresent()) {
      steps.markRunning(m);
    }
  }

  void onWorkNote(WorkNote m) {
    if (state.slot(m.jobId()).filter(s -> s.attempt() == m.attempt()).isPresent()) {
      steps.note(m);
    }
  }

  /** Looks for released attempts of lost handlers to adopt, unless it is drained or stops, or a look is under way. */
  void adoptReleased() {
    if (state.takesWork() && !adopting) {
      adopting = true;
      steps.adopt(recovery, servedPools, ADOPT_BATCH);
    }
  }

  void onAdopted(HandlerSteps.Adopted m) {
    adopting = false;
    if (m.failure() != null) {
      log.warn("adopting released attempts failed, trying again in {}: {}", retryDelay, m.failure().toString());
    } else {
      adopted(m.result());
    }
  }

  /** Attempts of a lost handler recovery took over here; those whose recovery failed are tried again. */
  private void adopted(Recovery.Result result) {
    List<Job> again = result.failed();
    if (!again.isEmpty()) {
      timers.startSingleTimer(new HandlerActor.Retry(() -> steps.recoverAgain(recovery, again)), retryDelay);
    }
    if (!result.adopted().isEmpty()) {
      log.info("handler {} adopted {} attempt(s) of a lost handler", serverName, result.adopted().size());
      takeOver(result.adopted());
      if (state.stopping()) {
        apply(state.stopAll()); // let go of them again, for another handler
      }
      host.slotsFreed();
    }
  }

  /** Holds and watches attempts recovery took over; those being cancelled are stopped at once. */
  void takeOver(List<Recovery.Adopted> adopted) {
    for (Recovery.Adopted a : adopted) {
      state = state.adopted(a.job().id(), a.job().attempt(), a.work());
      steps.metrics().adopted(a.job());
      steps.watch(a.job().id(), a.work());
      if (a.cancel()) {
        apply(state.stop(a.job().id(), StopReason.CANCEL));
      }
    }
  }

  /**
   * Follows the work to its end; work that has ended already (a no-op, a process quicker than the
   * start's write) is ended now rather than through a message to the actor.
   */
  private void watch(long jobId, org.galley.handler.runner.RunningJob work) {
    java.util.concurrent.CompletableFuture<org.galley.handler.runner.RunOutcome> outcome = work.outcome().toCompletableFuture();
    if (outcome.isDone() && !outcome.isCompletedExceptionally()) {
      onWorkEnded(new WorkEnded(jobId, outcome.join()));
    } else {
      steps.watch(jobId, work);
    }
  }

  void recordEnds() {
    if (!holdingEnds) {
      ends.take().ifPresent(steps::recordEnds);
    }
  }

  void onEndsRecorded(EndsRecorded m) {
    ends.written();
    if (m.failure() != null) {
      log.warn("recording the end of {} job(s) failed, trying again in {}: {}",
          m.ends().size(), retryDelay, m.failure().toString());
      timers.startSingleTimer("record-ends-" + m.ends().get(0).jobId(), new HandlerActor.Retry(() -> {
        ends.retry(m.ends());
        recordEnds();
      }), retryDelay);
    } else {
      m.ends().forEach(e -> {
        state = state.freed(e.jobId());
        steps.metrics().ended(e);
      });
      host.slotsFreed();
    }
    recordEnds();
  }

  void onEndRecorded(EndRecorded m) {
    if (m.failure() != null) {
      log.warn("recording the end of job {} failed, trying again in {}: {}",
          m.jobId(), retryDelay, m.failure().toString());
      timers.startSingleTimer("record-" + m.jobId(), new HandlerActor.Retry(() -> steps.record(m.jobId(), m.step())), retryDelay);
    } else {
      freed(m.jobId());
    }
  }

  void onCancelJob(long jobId) {
    if (state.slot(jobId).isPresent()) {
      log.info("job {} cancelled; stopping it", jobId);
      apply(state.stop(jobId, StopReason.CANCEL));
    }
  }

  void onDeleting(Deleting m) {
    if (state.slot(m.jobId()).isPresent()) {
      onCancelJob(m.jobId());
      return;
    }
    // Held in the table but nothing of it here: a start that failed for good, or a claim whose
    // answer is still on its way (its start then loses to this, and the work is killed).
    steps.inBackground("deleting job " + m.jobId(), () -> attempts.ends().endUnstarted(m.jobId(), m.attempt(), StopReason.CANCEL));
  }

  /** The ownership check: work the table gave to another attempt is stopped, and nothing is written for it. */
  void onHeld(HandlerActor.Held m) {
    OwnershipCheck.Result r = ownership.check(state.slots(), m.jobs());
    ownership = r.next();
    for (JobSlot slot : r.disowned()) {
      log.warn("job {} attempt {} is no longer this handler's in the job table (requeued while this handler was "
          + "frozen or cut off): stopping its work, writing nothing", slot.jobId(), slot.attempt());
      apply(state.stop(slot.jobId(), StopReason.DISOWNED));
    }
  }

  void onOutputTooLarge(OutputTooLarge m) {
    if (state.slot(m.jobId()).filter(s -> s.attempt() == m.attempt()).isPresent()) {
      log.info("job {} holds {} bytes in its working directory, over the output size limit; killing it",
          m.jobId(), m.bytes());
      apply(state.stop(m.jobId(), StopReason.OUTPUT_SIZE));
    }
  }

  void apply(HandlerState.Change change) {
    state = change.state();
    change.toKill().forEach(steps::kill);
  }

  void freedByStart() {
    host.slotsFreed();
  }

  void freed(long jobId) {
    state = state.freed(jobId);
    host.slotsFreed();
  }
}
