package org.galley.handler;


import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.job.Job;
import org.galley.handler.HandlerState.JobSlot;
import org.galley.handler.HandlerState.StopReason;
import org.galley.handler.HandlerSteps.Claimed;
import org.galley.handler.HandlerSteps.EndRecorded;
import org.galley.handler.HandlerSteps.EndsRecorded;
import org.galley.handler.HandlerSteps.Polled;
import org.galley.handler.HandlerSteps.StartDone;
import org.galley.handler.HandlerSteps.WorkEnded;
import org.galley.handler.HandlerSteps.WorkNote;
import org.galley.handler.HandlerSteps.WorkRunning;
import org.galley.protocol.DispatchProtocol.ApplyDrain;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.Claim;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.Describe;
import org.galley.protocol.DispatchProtocol.DrainApplied;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.JobsClaimable;
import org.galley.protocol.DispatchProtocol.ReportCapacity;

/**
 * The job handler of one node: owns the attempts running here, at most {@code workers}, from the
 * claim in the job table until their end is written there, and tells the pool dispatchers how many
 * slots it has free (none while drained or stopping). Every database and process call runs on the
 * blocking dispatcher and comes back as a message; its bookkeeping is the pure {@link HandlerState}.
 *
 * <p>It starts as {@link HandlerStartup}, which takes back the attempts an earlier incarnation under
 * the same server name left (adopting the processes that still run) before this behaviour takes any
 * work. Stopped through {@link Stop} (coordinated shutdown), it takes no more work, lets running
 * attempts end by themselves for the stop's grace, then kills the process groups of the rest and
 * gives them back ({@code new}, next attempt). If the node is lost instead, its processes live on in
 * their own sessions until the {@link OrphanWatchdog} kills them, and once the cluster removes the
 * member its jobs are requeued under the next attempt, which fences off anything this incarnation
 * still writes.
 */
public final class HandlerActor extends AbstractBehavior<HandlerCommand> {

  /**
   * Take no more work; give running attempts up to {@code grace} to end by themselves, then kill and
   * give back the rest; answers once none is left. A zero grace kills at once, also during a
   * graceful stop under way.
   */
  public record Stop(ActorRef<Done> replyTo, Duration grace) implements HandlerCommand, NoSerializationVerificationNeeded {}

  /** The table says this job of ours is being cancelled ({@link CancelSweep}). */
  record Deleting(long jobId, int attempt) implements HandlerCommand, NoSerializationVerificationNeeded {}

  /** The working directory of this running attempt holds more than the output size limit ({@link OutputSizeWatch}). */
  record OutputTooLarge(long jobId, int attempt, long bytes) implements HandlerCommand, NoSerializationVerificationNeeded {}

  /** Messages the actor sends itself; they never leave the JVM. */
  private sealed interface Internal extends HandlerCommand, NoSerializationVerificationNeeded {}

  /** A step that failed for a database error, to be tried again after the retry delay. */
  private record Retry(Runnable again) implements Internal {}
  private enum GraceOver implements Internal { INSTANCE }
  /** Time to look in the table for new jobs ({@link TablePoll}), in case a hint was lost. */
  private enum PollTick implements Internal { INSTANCE }
  /** Time to look for released attempts of lost handlers to adopt (runners whose work outlives a handler). */
  private enum AdoptTick implements Internal { INSTANCE }

  /** The handler actor: recovers first ({@link HandlerStartup}), then runs jobs. */
  static Behavior<HandlerCommand> create(HandlerSetup setup) {
    // A restart would forget the attempts running here and strand them; keep the state instead.
    return Behaviors.supervise(HandlerStartup.create(setup)).onFailure(SupervisorStrategy.resume());
  }

  /** Takes work from now on, holding the attempts recovery adopted. */
  static Behavior<HandlerCommand> open(ActorContext<HandlerCommand> context, TimerScheduler<HandlerCommand> timers,
      HandlerSetup setup, List<Recovery.Adopted> adopted, boolean drained) {
    return new HandlerActor(context, timers, setup, adopted, drained);
  }

  private final TimerScheduler<HandlerCommand> timers;
  private final HandlerSetup setup;
  private final String serverName;
  private final Attempts attempts;
  private final HandlerSteps steps;
  private final PoolPresence pools;
  /** Delay before a failed database step is tried again. */
  private final Duration retryDelay;
  private final List<ActorRef<Done>> stopWaiters = new ArrayList<>();
  private final List<ApplyDrain> drainWaiters = new ArrayList<>();
  private final EndBatch ends = new EndBatch();
  private final TablePoll tablePoll;
  private HandlerState state;
  /** A claim from the table is under way; another is asked for ({@code pollAgain}) if a hint came meanwhile. */
  private boolean polling;
  private boolean pollAgain;
  /** The last claim from the table took all it asked for: more may wait, so a freed slot claims at once. */
  private boolean backlog;
  /** An adoption of released attempts is under way. */
  private boolean adopting;
  /** Most released attempts one adoption takes. */
  private static final int ADOPT_BATCH = 500;

  private HandlerActor(ActorContext<HandlerCommand> context, TimerScheduler<HandlerCommand> timers,
      HandlerSetup setup, List<Recovery.Adopted> adopted, boolean drained) {
    super(context);
    this.timers = timers;
    this.setup = setup;
    this.serverName = setup.serverName();
    this.attempts = setup.attempts();
    this.steps = new HandlerSteps(context, attempts,
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher")));
    this.pools = new PoolPresence(context, setup);
    this.retryDelay = setup.settings().cancelCheckInterval();
    this.state = HandlerState.initial(setup.settings().workers()).drained(drained);
    takeOver(adopted);
    getContext().getLog().info("handler {} takes work{}, holding {} adopted job(s)", serverName,
        drained ? " once undrained" : "", adopted.size());
    setup.cancels().tell(Topic.subscribe(context.getSelf().narrow()));
    pools.list();
    pools.announce(state);
    context.spawn(CancelSweep.create(context.getSelf(), attempts, setup.settings().cancelCheckInterval()), "cancel-sweep");
    setup.outputSize().ifPresent(limit -> context.spawn(OutputSizeWatch.create(context.getSelf(), attempts, limit,
        setup.settings().cancelCheckInterval()), "output-size-watch"));
    this.tablePoll = setup.tablePoll();
    if (tablePoll.enabled()) {
      if (tablePoll.hints() != null) {
        tablePoll.hints().tell(Topic.subscribe(context.getSelf().narrow()));
      }
      timers.startTimerWithFixedDelay(PollTick.INSTANCE, tablePoll.interval());
      poll();
    }
    if (attempts.runners().values().stream().anyMatch(r -> r.outlivesHandler())) {
      timers.startTimerWithFixedDelay(AdoptTick.INSTANCE, retryDelay);
    }
  }

  @Override
  public Receive<HandlerCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Claim.class, this::onClaim)
        .onMessage(Claimed.class, this::onClaimed)
        .onMessage(JobsClaimable.class, this::onJobsClaimable)
        .onMessageEquals(PollTick.INSTANCE, () -> {
          poll();
          return this;
        })
        .onMessage(Polled.class, this::onPolled)
        .onMessage(StartDone.class, this::onStartDone)
        .onMessage(WorkEnded.class, this::onWorkEnded)
        .onMessage(WorkRunning.class, this::onWorkRunning)
        .onMessage(WorkNote.class, this::onWorkNote)
        .onMessageEquals(AdoptTick.INSTANCE, this::onAdoptTick)
        .onMessage(HandlerSteps.Adopted.class, this::onAdopted)
        .onMessage(EndRecorded.class, this::onEndRecorded)
        .onMessage(EndsRecorded.class, this::onEndsRecorded)
        .onMessage(Retry.class, this::onRetry)
        .onMessage(CancelJob.class, m -> onCancelJob(m.jobId()))
        .onMessage(Deleting.class, this::onDeleting)
        .onMessage(OutputTooLarge.class, this::onOutputTooLarge)
        .onMessage(ReportCapacity.class, this::onReportCapacity)
        .onMessage(Describe.class, this::onDescribe)
        .onMessage(DrainWatch.Status.class, this::onDrainStatus)
        .onMessage(ApplyDrain.class, this::onApplyDrain)
        .onMessage(Stop.class, this::onStop)
        .onMessageEquals(GraceOver.INSTANCE, this::onGraceOver)
        .onSignal(Terminated.class, this::onDispatcherTerminated)
        .build();
  }

  private Behavior<HandlerCommand> onClaim(Claim claim) {
    pools.heardFrom(claim.replyTo());
    boolean served = setup.servedPools().contains(claim.pool());
    if (!served) {
      getContext().getLog().warn("asked to claim jobs of pool {}, which handler {} does not serve", claim.pool(), serverName);
    }
    int n = served ? state.claimable(claim.max()) : 0;
    if (n == 0) {
      claim.replyTo().tell(new ClaimDone(getContext().getSelf(), claim.ticket(), 0, 0, state.freeSlots()));
      if (!state.takesWork()) {
        claim.replyTo().tell(pools.capacity(state)); // it may not know yet: say why
      }
      return this;
    }
    state = state.reserve(n);
    steps.claim(claim, n);
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
    answerDrainWaiters();
    m.claim().replyTo().tell(new ClaimDone(
        getContext().getSelf(), m.claim().ticket(), m.requested(), jobs.size(), state.freeSlots()));
    if (jobs.size() < m.requested()) {
      // The unused reservation is free again; a dispatcher of another pool may have been told
      // "no free slots" while it was held, and would otherwise wait for the next job to end.
      pools.report(state);
    }
    startClaimed(jobs);
    return this;
  }

  private void startClaimed(List<Job> jobs) {
    for (Job job : jobs) {
      if (state.stopping()) {
        steps.record(job.id(), () -> attempts.ends().endUnstarted(job.id(), job.attempt(), StopReason.SHUTDOWN));
      } else {
        steps.start(job);
      }
    }
    checkStopped();
  }

  private Behavior<HandlerCommand> onJobsClaimable(JobsClaimable m) {
    if (setup.servedPools().contains(m.pool())) {
      poll();
    }
    return this;
  }

  /** Claims from the table, if this handler polls, has free workers and no claim is under way. */
  private void poll() {
    if (!tablePoll.enabled()) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    int n = state.claimable(tablePoll.maxGrab());
    if (n == 0) {
      return;
    }
    state = state.reserve(n);
    polling = true;
    pollAgain = false;
    steps.poll(tablePoll, n);
  }

  private Behavior<HandlerCommand> onPolled(Polled m) {
    polling = false;
    List<Job> jobs = m.failure() == null ? m.jobs() : List.of();
    if (m.failure() != null) {
      getContext().getLog().warn("claiming new jobs from the table failed: {}", m.failure().toString());
    }
    Map<Long, Integer> ids = new LinkedHashMap<>();
    jobs.forEach(j -> ids.put(j.id(), j.attempt()));
    state = state.claimed(m.requested(), ids);
    answerDrainWaiters();
    backlog = m.failure() == null && jobs.size() == m.requested();
    if (jobs.size() < m.requested()) {
      pools.report(state); // the unused reservation is free again for the dispatchers
    }
    startClaimed(jobs);
    if (pollAgain || backlog) {
      poll();
    }
    return this;
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
      steps.watch(id, started.work());
      if (started.work().slots() == 0) {
        freedByStart(); // a scheduler job waits and runs elsewhere: its worker is free again at once
      }
    } else {
      getContext().getLog().info("job {} not started: {}", id, ((Attempts.NotStarted) m.result()).why());
      freed(id);
    }
    return this;
  }

  /** Starts a job whose start failed, unless it is to stop or the handler stops: then it ends unstarted. */
  private void startAgain(Job job) {
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

  private Behavior<HandlerCommand> onWorkEnded(WorkEnded m) {
    JobSlot slot = state.slot(m.jobId()).orElse(null);
    if (slot == null) {
      getContext().getLog().error("work of job {} ended, but no slot holds it", m.jobId());
      return this;
    }
    state = state.ending(slot.jobId());
    ends.add(new AttemptEnds.End(slot.jobId(), slot.attempt(), slot.work(), m.outcome(), slot.stop()));
    recordEnds();
    return this;
  }

  private Behavior<HandlerCommand> onWorkRunning(WorkRunning m) {
    if (state.slot(m.jobId()).filter(s -> s.attempt() == m.attempt()).isPresent()) {
      steps.markRunning(m);
    }
    return this;
  }

  private Behavior<HandlerCommand> onWorkNote(WorkNote m) {
    if (state.slot(m.jobId()).filter(s -> s.attempt() == m.attempt()).isPresent()) {
      steps.note(m);
    }
    return this;
  }

  private Behavior<HandlerCommand> onAdoptTick() {
    if (state.takesWork() && !adopting) {
      adopting = true;
      steps.adopt(setup.recovery(), setup.servedPools(), ADOPT_BATCH);
    }
    return this;
  }

  private Behavior<HandlerCommand> onAdopted(HandlerSteps.Adopted m) {
    adopting = false;
    if (m.failure() != null) {
      getContext().getLog().warn("adopting released attempts failed, trying again in {}: {}", retryDelay, m.failure().toString());
      return this;
    }
    List<Job> again = m.result().failed();
    if (!again.isEmpty()) {
      timers.startSingleTimer(new Retry(() -> steps.recoverAgain(setup.recovery(), again)), retryDelay);
    }
    if (!m.result().adopted().isEmpty()) {
      getContext().getLog().info("handler {} adopted {} attempt(s) of a lost handler", serverName, m.result().adopted().size());
      takeOver(m.result().adopted());
      if (state.stopping()) {
        apply(state.stopAll()); // let go of them again, for another handler
      }
      pools.report(state);
    }
    return this;
  }

  /** Holds and watches attempts recovery took over; those being cancelled are stopped at once. */
  private void takeOver(List<Recovery.Adopted> adopted) {
    for (Recovery.Adopted a : adopted) {
      state = state.adopted(a.job().id(), a.job().attempt(), a.work());
      steps.watch(a.job().id(), a.work());
      if (a.cancel()) {
        apply(state.stop(a.job().id(), StopReason.CANCEL));
      }
    }
  }

  private void recordEnds() {
    ends.take().ifPresent(steps::recordEnds);
  }

  private Behavior<HandlerCommand> onEndsRecorded(EndsRecorded m) {
    ends.written();
    if (m.failure() != null) {
      getContext().getLog().warn("recording the end of {} job(s) failed, trying again in {}: {}",
          m.ends().size(), retryDelay, m.failure().toString());
      timers.startSingleTimer("record-ends-" + m.ends().get(0).jobId(), new Retry(() -> {
        ends.retry(m.ends());
        recordEnds();
      }), retryDelay);
    } else {
      m.ends().forEach(e -> state = state.freed(e.jobId()));
      pools.report(state);
      checkStopped();
      if (backlog) {
        poll();
      }
    }
    recordEnds();
    return this;
  }

  private Behavior<HandlerCommand> onEndRecorded(EndRecorded m) {
    if (m.failure() != null) {
      getContext().getLog().warn("recording the end of job {} failed, trying again in {}: {}",
          m.jobId(), retryDelay, m.failure().toString());
      timers.startSingleTimer("record-" + m.jobId(), new Retry(() -> steps.record(m.jobId(), m.step())), retryDelay);
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
    steps.inBackground("deleting job " + m.jobId(), () -> attempts.ends().endUnstarted(m.jobId(), m.attempt(), StopReason.CANCEL));
    return this;
  }

  private Behavior<HandlerCommand> onOutputTooLarge(OutputTooLarge m) {
    if (state.slot(m.jobId()).filter(s -> s.attempt() == m.attempt()).isPresent()) {
      getContext().getLog().info("job {} holds {} bytes in its working directory, over the output size limit; killing it",
          m.jobId(), m.bytes());
      apply(state.stop(m.jobId(), StopReason.OUTPUT_SIZE));
    }
    return this;
  }

  private Behavior<HandlerCommand> onReportCapacity(ReportCapacity m) {
    pools.heardFrom(m.replyTo());
    m.replyTo().tell(pools.capacity(state));
    return this;
  }

  private Behavior<HandlerCommand> onDescribe(Describe m) {
    m.replyTo().tell(setup.description(getContext().getSystem(), state.slots().size(), state.freeSlots(), state.drained()));
    return this;
  }

  /** An administrator's drain, sent directly so that it holds before the API answers. */
  private Behavior<HandlerCommand> onApplyDrain(ApplyDrain m) {
    onDrainStatus(new DrainWatch.Status(m.drained()));
    drainWaiters.add(m);
    answerDrainWaiters();
    return this;
  }

  /** Answers drains once no claim is in flight: a claim's query could still take a job submitted after. */
  private void answerDrainWaiters() {
    if (state.reserved() == 0) {
      drainWaiters.forEach(w -> w.replyTo().tell(new DrainApplied(serverName, state.drained())));
      drainWaiters.clear();
    }
  }

  private Behavior<HandlerCommand> onDrainStatus(DrainWatch.Status m) {
    if (m.drained() != state.drained()) {
      getContext().getLog().info("handler {} {}; {} job(s) running", serverName,
          m.drained() ? "drained: takes no new work" : "undrained: takes work again", state.slots().size());
      state = state.drained(m.drained());
      pools.announce(state);
      poll();
    }
    return this;
  }

  private Behavior<HandlerCommand> onStop(Stop m) {
    boolean first = !state.stopping();
    if (first) {
      state = state.stopTakingWork();
      pools.unlist();
      pools.announce(state);
    }
    if (m.grace().isZero()) {
      timers.cancel(GraceOver.INSTANCE);
      getContext().getLog().info("handler {} stopping: killing and giving back {} job(s)", serverName, state.slots().size());
      apply(state.stopAll());
    } else if (first) {
      getContext().getLog().info("handler {} stopping: takes no more work, lets {} job(s) end for up to {}",
          serverName, state.slots().size(), m.grace());
      timers.startSingleTimer(GraceOver.INSTANCE, m.grace());
    }
    stopWaiters.add(m.replyTo());
    checkStopped();
    return this;
  }

  private Behavior<HandlerCommand> onGraceOver() {
    getContext().getLog().info("handler {}: stop grace over; killing and giving back {} job(s)", serverName, state.slots().size());
    apply(state.stopAll());
    return this;
  }

  private Behavior<HandlerCommand> onDispatcherTerminated(Terminated t) {
    pools.forgot(t.getRef());
    return this;
  }

  private void apply(HandlerState.Change change) {
    state = change.state();
    change.toKill().forEach(steps::kill);
  }

  private void freedByStart() {
    pools.report(state);
    if (backlog) {
      poll();
    }
  }

  private void freed(long jobId) {
    state = state.freed(jobId);
    pools.report(state);
    checkStopped();
    if (backlog) {
      poll();
    }
  }

  private void checkStopped() {
    if (state.stopped() && !stopWaiters.isEmpty()) {
      getContext().getLog().info("handler {} stopped: every job ended or given back", serverName);
      timers.cancel(GraceOver.INSTANCE);
      stopWaiters.forEach(w -> w.tell(Done.getInstance()));
      stopWaiters.clear();
    }
  }
}
