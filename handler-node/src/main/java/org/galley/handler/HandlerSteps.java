package org.galley.handler;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.galley.core.job.Job;
import org.galley.handler.HandlerState.JobSlot;
import org.galley.protocol.DispatchProtocol.Claim;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HandlerActor}'s blocking steps: each runs on the blocking dispatcher and comes back to
 * the actor as one of the messages here, so that no JDBC or process call ever runs on its thread.
 * Holds no state of its own.
 */
final class HandlerSteps {
  private static final Logger log = LoggerFactory.getLogger(HandlerSteps.class);

  /** What comes back; these messages never leave the JVM. */
  sealed interface Done extends HandlerCommand, NoSerializationVerificationNeeded {}

  record Claimed(Claim claim, int requested, List<Job> jobs, Throwable failure) implements Done {}

  /** A claim from the table ({@link TablePoll}) of up to {@code requested} jobs came back. */
  record Polled(int requested, List<Job> jobs, Throwable failure) implements Done {}

  record StartDone(Job job, Attempts.Start result, Throwable failure) implements Done {}

  record WorkEnded(long jobId, RunOutcome outcome) implements Done {}

  /** {@code step} recorded the end of the job's attempt, unless it failed (then it is run again). */
  record EndRecorded(long jobId, Runnable step, Throwable failure) implements Done {}

  /** {@code ends} recorded, unless it failed (then they are recorded again). */
  record EndsRecorded(List<Attempts.End> ends, Throwable failure) implements Done {}

  private final ActorContext<HandlerCommand> context;
  private final Attempts attempts;
  private final Executor blocking;

  HandlerSteps(ActorContext<HandlerCommand> context, Attempts attempts, Executor blocking) {
    this.context = context;
    this.attempts = attempts;
    this.blocking = blocking;
  }

  /** Claims {@code n} new jobs of the claim's pool in the table. */
  void claim(Claim claim, int n) {
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> attempts.claim(claim.pool(), n), blocking),
        (jobs, failure) -> new Claimed(claim, n, jobs, failure));
  }

  /** Claims up to {@code n} new jobs from the table, as {@code poll} says. */
  void poll(TablePoll poll, int n) {
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> attempts.claimFromTable(poll, n), blocking),
        (jobs, failure) -> new Polled(n, jobs, failure));
  }

  void start(Job job) {
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> attempts.start(job), blocking),
        (result, failure) -> new StartDone(job, result, failure));
  }

  /** Tells the actor when the work ends, whatever the reason. */
  void watch(long jobId, RunningJob work) {
    context.pipeToSelf(work.outcome(), (outcome, failure) -> new WorkEnded(jobId,
        outcome != null ? outcome : new RunOutcome(RunOutcome.Ending.EXITED, null, "outcome unknown: " + failure)));
  }

  /** Runs a step that records an attempt's end; the actor keeps the slot taken until it succeeds. */
  void record(long jobId, Runnable step) {
    context.pipeToSelf(CompletableFuture.runAsync(step, blocking), (ok, failure) -> new EndRecorded(jobId, step, failure));
  }

  /** Records the ends of many attempts in one go; the actor keeps their slots taken until it succeeds. */
  void recordEnds(List<Attempts.End> ends) {
    context.pipeToSelf(CompletableFuture.runAsync(() -> attempts.recordEnds(ends), blocking),
        (ok, failure) -> new EndsRecorded(ends, failure));
  }

  /** Kills a slot's work; its outcome then tells the actor. */
  void kill(JobSlot slot) {
    inBackground("killing job " + slot.jobId() + " (" + slot.work().externalId() + ")", slot.work()::kill);
  }

  /** A blocking step nobody waits for: the table or the work's outcome tells how it went. */
  void inBackground(String what, Runnable step) {
    CompletableFuture.runAsync(step, blocking).exceptionally(e -> {
      log.error("{} failed: {}", what, e.toString());
      return null;
    });
  }
}
