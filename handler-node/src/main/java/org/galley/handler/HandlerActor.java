package org.galley.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.galley.core.job.Job;
import org.galley.handler.HandlerState.JobSlot;
import org.galley.handler.HandlerState.StopReason;
import org.galley.protocol.DispatchProtocol;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.Claim;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.ReportCapacity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job handler of one node: owns the attempts running here, at most {@code workers}, from the
 * claim in the job table until their end is written there, and tells the pool dispatchers it has
 * heard from how many slots it has free. Every database and process call runs on the blocking
 * dispatcher and comes back as a message; its bookkeeping is the pure {@link HandlerState}.
 *
 * <p>Stopped through {@link Stop} (coordinated shutdown), it takes no more work, kills the process
 * groups of its attempts and gives them back ({@code new}, next attempt). If the node is lost
 * instead, its processes live on in their own sessions, and once the cluster removes the member its
 * jobs are requeued under the next attempt, which fences off anything this incarnation still
 * writes. A restarted handler starts empty; it does not yet pick up the attempts of its previous
 * incarnation (recovery, see the README).
 */
public final class HandlerActor extends AbstractBehavior<HandlerCommand> {
  private static final Logger log = LoggerFactory.getLogger(HandlerActor.class);

  /** Take no more work, kill and give back every attempt here; answers once all are given back. */
  public record Stop(ActorRef<Done> replyTo) implements HandlerCommand, NoSerializationVerificationNeeded {}

  /** The table says this job of ours is being cancelled ({@link CancelSweep}). */
  record Deleting(long jobId, int attempt) implements HandlerCommand, NoSerializationVerificationNeeded {}

  /** Messages the actor sends itself; they never leave the JVM. */
  private sealed interface Internal extends HandlerCommand, NoSerializationVerificationNeeded {}

  private record Claimed(Claim claim, int requested, List<Job> jobs, Throwable failure) implements Internal {}
  private record StartDone(Job job, Attempts.Start result, Throwable failure) implements Internal {}
  private record WorkEnded(long jobId, RunOutcome outcome) implements Internal {}
  private record EndRecorded(long jobId, Runnable step, Throwable failure) implements Internal {}
  /** A step that failed for a database error, to be tried again after the retry delay. */
  private record Retry(Runnable again) implements Internal {}

  public static Behavior<HandlerCommand> create(String serverName, Set<String> servedPools,
      HandlerSettings settings, Attempts attempts,
      Function<String, RecipientRef<DispatcherCommand>> dispatcherFor,
      ActorRef<Topic.Command<CancelJob>> cancels) {
    Behavior<HandlerCommand> handler = Behaviors.setup(context -> Behaviors.withTimers(timers -> new HandlerActor(
        context, timers, serverName, servedPools, settings, attempts, dispatcherFor, cancels)));
    // A restart would forget the attempts running here and strand them; keep the state instead.
    return Behaviors.supervise(handler).onFailure(SupervisorStrategy.resume());
  }

  private final TimerScheduler<HandlerCommand> timers;
  private final String serverName;
  private final Set<String> servedPools;
  private final Attempts attempts;
  private final Executor blocking;
  /** Delay before a failed database step is tried again. */
  private final Duration retryDelay;
  private final List<ActorRef<Done>> stopWaiters = new ArrayList<>();
  private HandlerState state;

  private HandlerActor(ActorContext<HandlerCommand> context, TimerScheduler<HandlerCommand> timers,
      String serverName, Set<String> servedPools, HandlerSettings settings, Attempts attempts,
      Function<String, RecipientRef<DispatcherCommand>> dispatcherFor,
      ActorRef<Topic.Command<CancelJob>> cancels) {
    super(context);
    this.timers = timers;
    this.serverName = serverName;
    this.servedPools = Set.copyOf(servedPools);
    this.attempts = attempts;
    this.blocking = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    this.retryDelay = settings.cancelCheckInterval();
    this.state = HandlerState.initial(settings.workers());
    cancels.tell(Topic.subscribe(context.getSelf().narrow()));
    for (String pool : this.servedPools) {
      context.getSystem().receptionist().tell(Receptionist.register(DispatchProtocol.handlersOf(pool), context.getSelf()));
      dispatcherFor.apply(pool).tell(capacity());
    }
    context.spawn(CancelSweep.create(context.getSelf(), attempts, settings.cancelCheckInterval()), "cancel-sweep");
  }

  @Override
  public Receive<HandlerCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Claim.class, this::onClaim)
        .onMessage(Claimed.class, this::onClaimed)
        .onMessage(StartDone.class, this::onStartDone)
        .onMessage(WorkEnded.class, this::onWorkEnded)
        .onMessage(EndRecorded.class, this::onEndRecorded)
        .onMessage(Retry.class, this::onRetry)
        .onMessage(CancelJob.class, m -> onCancelJob(m.jobId()))
        .onMessage(Deleting.class, this::onDeleting)
        .onMessage(ReportCapacity.class, this::onReportCapacity)
        .onMessage(Stop.class, this::onStop)
        .onSignal(Terminated.class, this::onDispatcherTerminated)
        .build();
  }

  private Behavior<HandlerCommand> onClaim(Claim claim) {
    heardFrom(claim.replyTo());
    boolean served = servedPools.contains(claim.pool());
    if (!served) {
      getContext().getLog().warn("asked to claim jobs of pool {}, which handler {} does not serve", claim.pool(), serverName);
    }
    int n = served ? state.claimable(claim.max()) : 0;
    if (n == 0) {
      claim.replyTo().tell(new ClaimDone(getContext().getSelf(), claim.ticket(), 0, 0, state.freeSlots()));
      return this;
    }
    state = state.reserve(n);
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> attempts.claim(claim.pool(), n), blocking),
        (jobs, failure) -> new Claimed(claim, n, jobs, failure));
    return this;
  }

  private Behavior<HandlerCommand> onClaimed(Claimed m) {
    List<Job> jobs = m.failure() == null ? m.jobs() : List.of();
    if (m.failure() != null) {
      getContext().getLog().warn("claiming jobs of pool {} failed: {}", m.claim().pool(), m.failure().toString());
    }
    Map<Long, Integer> ids = new LinkedHashMap<>();
    jobs.forEach(j -> ids.put(j.id(), j.attempt()));
    state = state.claimed(m.requested(), ids);
    m.claim().replyTo().tell(new ClaimDone(
        getContext().getSelf(), m.claim().ticket(), m.requested(), jobs.size(), state.freeSlots()));
    if (jobs.size() < m.requested()) {
      // The unused reservation is free again; a dispatcher of another pool may have been told
      // "no free slots" while it was held, and would otherwise wait for the next job to end.
      reportCapacity();
    }
    for (Job job : jobs) {
      if (state.stopping()) {
        record(job.id(), () -> attempts.endUnstarted(job.id(), job.attempt(), StopReason.SHUTDOWN));
      } else {
        start(job);
      }
    }
    checkStopped();
    return this;
  }

  private void start(Job job) {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> attempts.start(job), blocking),
        (result, failure) -> new StartDone(job, result, failure));
  }

  private Behavior<HandlerCommand> onStartDone(StartDone m) {
    long id = m.job().id();
    if (m.failure() != null) {
      getContext().getLog().warn("job {} attempt {} did not start, trying again in {}: {}",
          id, m.job().attempt(), retryDelay, m.failure().toString());
      timers.startSingleTimer("start-" + id, new Retry(() -> startAgain(m.job())), retryDelay);
    } else if (m.result() instanceof Attempts.Started started) {
      if (!started.marked()) {
        getContext().getLog().info("job {} changed before it was marked running; stopping its work", id);
      }
      apply(state.started(id, started.work(), started.marked()));
      getContext().pipeToSelf(started.work().outcome(), (outcome, failure) -> new WorkEnded(id,
          outcome != null ? outcome : new RunOutcome(RunOutcome.Ending.EXITED, null, "outcome unknown: " + failure)));
    } else {
      getContext().getLog().info("job {} not started: {}", id, ((Attempts.NotStarted) m.result()).why());
      freed(id);
    }
    return this;
  }

  /** Starts a job whose start failed, unless it is to stop meanwhile: then it ends unstarted. */
  private void startAgain(Job job) {
    JobSlot slot = state.slot(job.id()).orElse(null);
    if (slot == null) {
      return;
    }
    if (slot.stop() == StopReason.NONE) {
      start(job);
    } else {
      state = state.ending(job.id());
      record(job.id(), () -> attempts.endUnstarted(job.id(), job.attempt(), slot.stop()));
    }
  }

  private Behavior<HandlerCommand> onWorkEnded(WorkEnded m) {
    JobSlot slot = state.slot(m.jobId()).orElse(null);
    if (slot == null) {
      getContext().getLog().error("work of job {} ended, but no slot holds it", m.jobId());
      return this;
    }
    state = state.ending(slot.jobId());
    record(slot.jobId(), () -> attempts.recordEnd(slot.jobId(), slot.attempt(), m.outcome(), slot.stop()));
    return this;
  }

  /** Runs a step that records an attempt's end; the slot stays taken until it succeeds. */
  private void record(long jobId, Runnable step) {
    getContext().pipeToSelf(CompletableFuture.runAsync(step, blocking),
        (ok, failure) -> new EndRecorded(jobId, step, failure));
  }

  private Behavior<HandlerCommand> onEndRecorded(EndRecorded m) {
    if (m.failure() != null) {
      getContext().getLog().warn("recording the end of job {} failed, trying again in {}: {}",
          m.jobId(), retryDelay, m.failure().toString());
      timers.startSingleTimer("record-" + m.jobId(), new Retry(() -> record(m.jobId(), m.step())), retryDelay);
    } else {
      freed(m.jobId());
    }
    return this;
  }

  private Behavior<HandlerCommand> onRetry(Retry m) {
    m.again().run();
    return this;
  }

  private Behavior<HandlerCommand> onCancelJob(long jobId) {
    if (state.slot(jobId).isPresent()) {
      getContext().getLog().info("job {} cancelled; stopping it", jobId);
      apply(state.stop(jobId, StopReason.CANCEL));
    }
    return this;
  }

  private Behavior<HandlerCommand> onDeleting(Deleting m) {
    if (state.slot(m.jobId()).isPresent()) {
      return onCancelJob(m.jobId());
    }
    // Held in the table but nothing of it here: a start that failed for good, or a claim whose
    // answer is still on its way (its start then loses to this, and the work is killed).
    inBackground("deleting job " + m.jobId(), () -> attempts.endUnstarted(m.jobId(), m.attempt(), StopReason.CANCEL));
    return this;
  }

  private Behavior<HandlerCommand> onReportCapacity(ReportCapacity m) {
    heardFrom(m.replyTo());
    m.replyTo().tell(capacity());
    return this;
  }

  private Behavior<HandlerCommand> onStop(Stop m) {
    if (!state.stopping()) {
      getContext().getLog().info("handler {} stopping: killing and giving back {} jobs", serverName, state.slots().size());
      apply(state.stopAll());
      for (String pool : servedPools) {
        getContext().getSystem().receptionist()
            .tell(Receptionist.deregister(DispatchProtocol.handlersOf(pool), getContext().getSelf()));
      }
      reportCapacity();
    }
    stopWaiters.add(m.replyTo());
    checkStopped();
    return this;
  }

  private Behavior<HandlerCommand> onDispatcherTerminated(Terminated t) {
    state = state.forgot(t.getRef());
    return this;
  }

  private void apply(HandlerState.Change change) {
    state = change.state();
    change.toKill().forEach(this::kill);
  }

  private void kill(JobSlot slot) {
    inBackground("killing job " + slot.jobId() + " (" + slot.work().externalId() + ")", slot.work()::kill);
  }

  /** A blocking step nobody waits for: the table or the work's outcome tells how it went. */
  private void inBackground(String what, Runnable step) {
    CompletableFuture.runAsync(step, blocking).exceptionally(e -> {
      log.error("{} failed: {}", what, e.toString());
      return null;
    });
  }

  private void freed(long jobId) {
    state = state.freed(jobId);
    reportCapacity();
    checkStopped();
  }

  private void checkStopped() {
    if (state.stopped() && !stopWaiters.isEmpty()) {
      getContext().getLog().info("handler {} stopped: every job given back", serverName);
      stopWaiters.forEach(w -> w.tell(Done.getInstance()));
      stopWaiters.clear();
    }
  }

  private void heardFrom(ActorRef<DispatcherCommand> dispatcher) {
    if (!state.dispatchers().contains(dispatcher)) {
      getContext().watch(dispatcher);
      state = state.heardFrom(dispatcher);
    }
  }

  private void reportCapacity() {
    HandlerCapacity capacity = capacity();
    state.dispatchers().forEach(d -> d.tell(capacity));
  }

  private HandlerCapacity capacity() {
    return new HandlerCapacity(getContext().getSelf(), serverName, state.freeSlots(), state.stopping());
  }
}
