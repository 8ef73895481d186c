package org.galley.handler;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.galley.core.job.Job;
import org.galley.handler.HandlerState.JobSlot;
import org.galley.handler.runner.Progress;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunningJob;
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

  /** The starts of the jobs of one claim, each as its {@link StartDone} would say. */
  record StartsDone(List<StartDone> starts) implements Done {}

  record WorkEnded(long jobId, RunOutcome outcome) implements Done {}

  /** {@code step} recorded the end of the job's attempt, unless it failed (then it is run again). */
  record EndRecorded(long jobId, Runnable step, Throwable failure) implements Done {}

  /** {@code ends} recorded, unless it failed (then they are recorded again). */
  record EndsRecorded(List<AttemptEnds.End> ends, Throwable failure) implements Done {}

  /** The work of an attempt began to run in its scheduler ({@link Progress#running}). */
  record WorkRunning(long jobId, int attempt, Instant since) implements Done {}

  /** Why the work of an attempt waits, or that its scheduler does not answer ({@link Progress#note}). */
  record WorkNote(long jobId, int attempt, String info) implements Done {}

  /** Released attempts of a lost handler taken over here (and those to recover again), unless it failed. */
  record Adopted(Recovery.Result result, Throwable failure) implements Done {}

  private final ActorContext<HandlerCommand> context;
  private final Attempts attempts;
  private final Executor blocking;
  private final HandlerMetrics metrics;

  HandlerSteps(ActorContext<HandlerCommand> context, Attempts attempts, Executor blocking) {
    this.context = context;
    this.metrics = new HandlerMetrics(org.galley.core.metrics.Metrics.get(context.getSystem()), java.time.Clock.systemUTC());
    this.attempts = attempts;
    this.blocking = blocking;
  }

  /** For the attempt flow, on the actor's thread. */
  HandlerMetrics metrics() {
    return metrics;
  }

  /** Claims {@code n} new jobs of the claim's pool in the table. */
  void claim(Claim claim, int n) {
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      List<Job> claimed = attempts.claim(claim.pool(), n);
      metrics.claimed(claim.pool(), start);
      return claimed;
    }, blocking),
        (jobs, failure) -> new Claimed(claim, n, jobs, failure));
  }

  /** Claims up to {@code n} new jobs from the table, as {@code poll} says. */
  void poll(TablePoll poll, int n) {
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> attempts.claimFromTable(poll, n), blocking),
        (jobs, failure) -> new Polled(n, jobs, failure));
  }

  void start(Job job) {
    Progress progress = progress(context.getSelf(), job);
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> attempts.start(job, progress), blocking),
        (result, failure) -> new StartDone(job, result, failure));
  }

  /**
   * Starts the jobs of one claim: each is launched on the blocking dispatcher as {@link #start} does,
   * side by side, and then all their starts are recorded in one statement
   * ({@link Attempts#recordStarts}). No thread waits for another's launch.
   */
  void startAll(List<Job> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    if (jobs.size() == 1) {
      start(jobs.get(0));
      return;
    }
    ActorRef<HandlerCommand> self = context.getSelf();
    List<CompletableFuture<StartDone>> launches = jobs.stream().map(job -> CompletableFuture
            .supplyAsync(() -> attempts.launch(job, progress(self, job)), blocking)
            .handle((result, failure) -> new StartDone(job, result, failure)))
        .toList();
    CompletableFuture<List<StartDone>> recorded = CompletableFuture.allOf(launches.toArray(CompletableFuture[]::new))
        .thenApplyAsync(x -> recordStarts(launches.stream().map(CompletableFuture::join).toList()), blocking);
    context.pipeToSelf(recorded, (starts, failure) -> new StartsDone(starts));
  }

  /** Records the launched starts in one statement; the others are passed on as they are. Never throws. */
  private List<StartDone> recordStarts(List<StartDone> launched) {
    List<Attempts.Launched> toRecord = launched.stream().map(StartDone::result)
        .filter(r -> r instanceof Attempts.Launched).map(r -> (Attempts.Launched) r).toList();
    java.util.Map<Long, Attempts.Started> started = attempts.recordStarts(toRecord);
    return launched.stream().map(d -> d.result() instanceof Attempts.Launched
        ? new StartDone(d.job(), started.get(d.job().id()), null) : d).toList();
  }

  /** What a runner says of the work of one attempt, as messages to the handler. */
  static Progress progress(ActorRef<HandlerCommand> handler, Job job) {
    return new Progress() {
      @Override
      public void running(Instant since) {
        handler.tell(new WorkRunning(job.id(), job.attempt(), since));
      }

      @Override
      public void note(String info) {
        handler.tell(new WorkNote(job.id(), job.attempt(), info));
      }
    };
  }

  /** Takes released attempts of these pools and recovers them through their runners. */
  void adopt(Recovery recovery, Set<String> pools, int max) {
    ActorRef<HandlerCommand> self = context.getSelf();
    context.pipeToSelf(CompletableFuture.supplyAsync(
            () -> recovery.recover(attempts.adoptReleased(pools, max), job -> progress(self, job)), blocking),
        (result, failure) -> new Adopted(result, failure));
  }

  /** Recovers again adopted attempts whose recovery failed (the scheduler did not answer); they stay held here. */
  void recoverAgain(Recovery recovery, List<Job> jobs) {
    ActorRef<HandlerCommand> self = context.getSelf();
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> recovery.recover(jobs, job -> progress(self, job)), blocking),
        (result, failure) -> new Adopted(result, failure));
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
  void recordEnds(List<AttemptEnds.End> ends) {
    context.pipeToSelf(CompletableFuture.runAsync(() -> attempts.ends().recordEnds(ends), blocking),
        (ok, failure) -> new EndsRecorded(ends, failure));
  }

  /**
   * Stops a slot's work; its outcome then tells the actor. For a shutdown, work that outlives the
   * handler is only let go of ({@link RunningJob#detach()}), to be adopted; anything else is killed.
   */
  void kill(JobSlot slot) {
    RunningJob work = slot.work();
    // Disowned work that outlives the handler (a Slurm job) is another handler's to watch or stop now.
    if (slot.stop() == HandlerState.StopReason.SHUTDOWN
        || (slot.stop() == HandlerState.StopReason.DISOWNED && work.outlivesHandler())) {
      inBackground("letting go of job " + slot.jobId() + " (" + work.externalId() + ")", work::detach);
    } else {
      inBackground("killing job " + slot.jobId() + " (" + work.externalId() + ")", work::kill);
    }
  }

  /** Records that the work of an attempt began to run. */
  void markRunning(WorkRunning m) {
    inBackground("marking job " + m.jobId() + " running", () -> attempts.markRunning(m.jobId(), m.attempt(), m.since()));
  }

  void note(WorkNote m) {
    inBackground("noting why job " + m.jobId() + " waits", () -> attempts.note(m.jobId(), m.attempt(), m.info()));
  }

  /** A blocking step nobody waits for: the table or the work's outcome tells how it went. */
  void inBackground(String what, Runnable step) {
    CompletableFuture.runAsync(step, blocking).exceptionally(e -> {
      log.error("{} failed: {}", what, e.toString());
      return null;
    });
  }
}
