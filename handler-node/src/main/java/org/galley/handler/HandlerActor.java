package org.galley.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.galley.protocol.DispatchProtocol.Describe;
import org.galley.protocol.DispatchProtocol.DrainApplied;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.JobsClaimable;
import org.galley.protocol.DispatchProtocol.ReportCapacity;

/**
 * The job handler of one node: owns the attempts held here, from the claim in the job table until
 * their end is written there ({@link AttemptFlow}), takes new ones ({@link ClaimFlow}) and tells the
 * pool dispatchers how many of its {@code workers} are free (none while drained or stopping). It
 * knows no runner's details. Every blocking call runs on the blocking dispatcher and comes back as a
 * message; its bookkeeping is the pure {@link HandlerState}.
 *
 * <p>It starts as {@link HandlerStartup}, which takes back, through their runners, the attempts an
 * earlier incarnation under the same server name left. Stopped through {@link Stop} (coordinated
 * shutdown), it takes no more work, lets running attempts end for the stop's grace, then kills the
 * rest and gives them back ({@code new}, next attempt) — or, for work that outlives a handler (Slurm
 * jobs), lets go of it for another handler to adopt. If the node is lost instead, its local processes
 * die with its orphan watchdog, and once the cluster removes the member its jobs are requeued (or
 * released for adoption) under the next attempt, which fences off anything this incarnation writes.
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

  /** The jobs (id to attempt) the table says this handler holds ({@link CancelSweep}): the ownership check. */
  record Held(java.util.Map<Long, Integer> jobs) implements HandlerCommand, NoSerializationVerificationNeeded {}

  /** The working directory of this running attempt holds more than the output size limit ({@link OutputSizeWatch}). */
  record OutputTooLarge(long jobId, int attempt, long bytes) implements HandlerCommand, NoSerializationVerificationNeeded {}

  /** Messages the actor sends itself; they never leave the JVM. */
  private sealed interface Internal extends HandlerCommand, NoSerializationVerificationNeeded {}

  /** A step that failed for a database error, to be tried again after the retry delay. */
  record Retry(Runnable again) implements Internal {}
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
  private final TablePoll tablePoll;
  private final AttemptFlow flow;
  private final ClaimFlow claims;

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
    this.flow = new AttemptFlow(this::slotsFreed, setup, steps, timers, context.getLog(),
        HandlerState.initial(setup.settings().workers()).drained(drained),
        EndBatch.Settings.fromConfig(context.getSystem().settings().config()));
    this.claims = new ClaimFlow(this::answerDrainWaiters, jobs -> {
      flow.startClaimed(jobs);
      checkStopped();
    }, flow, setup, steps, pools, context.getSelf(), context.getLog());
    flow.takeOver(adopted);
    getContext().getLog().info("handler {} takes work{}, holding {} adopted job(s)", serverName,
        drained ? " once undrained" : "", adopted.size());
    setup.cancels().tell(Topic.subscribe(context.getSelf().narrow()));
    pools.list();
    pools.announce(flow.state);
    context.spawn(CancelSweep.create(context.getSelf(), attempts, setup.settings().cancelCheckInterval()), "cancel-sweep");
    setup.outputSize().ifPresent(limit -> context.spawn(OutputSizeWatch.create(context.getSelf(), attempts, limit,
        setup.settings().cancelCheckInterval()), "output-size-watch"));
    this.tablePoll = setup.tablePoll();
    if (tablePoll.enabled()) {
      if (tablePoll.hints() != null) {
        tablePoll.hints().tell(Topic.subscribe(context.getSelf().narrow()));
      }
      timers.startTimerWithFixedDelay(PollTick.INSTANCE, tablePoll.interval());
      claims.poll();
    }
    if (attempts.runners().values().stream().anyMatch(r -> r.outlivesHandler())) {
      timers.startTimerWithFixedDelay(AdoptTick.INSTANCE, retryDelay);
    }
  }

  @Override
  public Receive<HandlerCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Claim.class, m -> run(() -> claims.onClaim(m)))
        .onMessage(Claimed.class, m -> run(() -> claims.onClaimed(m)))
        .onMessage(JobsClaimable.class, m -> run(() -> claims.onJobsClaimable(m)))
        .onMessageEquals(PollTick.INSTANCE, () -> run(claims::poll))
        .onMessage(Polled.class, m -> run(() -> claims.onPolled(m)))
        .onMessage(StartDone.class, m -> run(() -> flow.onStartDone(m)))
        .onMessage(HandlerSteps.StartsDone.class, m -> run(() -> flow.onStartsDone(m)))
        .onMessage(WorkEnded.class, m -> run(() -> flow.onWorkEnded(m)))
        .onMessage(WorkRunning.class, m -> run(() -> flow.onWorkRunning(m)))
        .onMessage(WorkNote.class, m -> run(() -> flow.onWorkNote(m)))
        .onMessageEquals(AdoptTick.INSTANCE, () -> run(flow::adoptReleased))
        .onMessage(HandlerSteps.Adopted.class, m -> run(() -> flow.onAdopted(m)))
        .onMessage(EndRecorded.class, m -> run(() -> flow.onEndRecorded(m)))
        .onMessage(EndsRecorded.class, m -> run(() -> flow.onEndsRecorded(m)))
        .onMessage(Retry.class, this::onRetry)
        .onMessage(CancelJob.class, m -> run(() -> flow.onCancelJob(m.jobId())))
        .onMessage(Deleting.class, m -> run(() -> flow.onDeleting(m)))
        .onMessage(Held.class, m -> run(() -> flow.onHeld(m)))
        .onMessage(OutputTooLarge.class, m -> run(() -> flow.onOutputTooLarge(m)))
        .onMessage(ReportCapacity.class, this::onReportCapacity)
        .onMessage(Describe.class, this::onDescribe)
        .onMessage(DrainWatch.Status.class, this::onDrainStatus)
        .onMessage(ApplyDrain.class, this::onApplyDrain)
        .onMessage(Stop.class, this::onStop)
        .onMessageEquals(GraceOver.INSTANCE, this::onGraceOver)
        .onSignal(Terminated.class, this::onDispatcherTerminated)
        .build();
  }

  private Behavior<HandlerCommand> run(Runnable step) {
    step.run();
    return this;
  }

  /** Slots were freed: tell the dispatchers, finish a stop, and claim again if more may wait. */
  private void slotsFreed() {
    pools.report(flow.state);
    checkStopped();
    if (claims.backlog()) {
      claims.poll();
    }
  }

  private Behavior<HandlerCommand> onRetry(Retry m) {
    m.again().run();
    return this;
  }

  private Behavior<HandlerCommand> onReportCapacity(ReportCapacity m) {
    pools.heardFrom(m.replyTo());
    m.replyTo().tell(pools.capacity(flow.state));
    return this;
  }

  private Behavior<HandlerCommand> onDescribe(Describe m) {
    m.replyTo().tell(setup.description(getContext().getSystem(), flow.state.slots().size(), flow.state.freeSlots(), flow.state.drained()));
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
    if (flow.state.reserved() == 0) {
      drainWaiters.forEach(w -> w.replyTo().tell(new DrainApplied(serverName, flow.state.drained())));
      drainWaiters.clear();
    }
  }

  private Behavior<HandlerCommand> onDrainStatus(DrainWatch.Status m) {
    if (m.drained() != flow.state.drained()) {
      getContext().getLog().info("handler {} {}; {} job(s) running", serverName,
          m.drained() ? "drained: takes no new work" : "undrained: takes work again", flow.state.slots().size());
      flow.state = flow.state.drained(m.drained());
      pools.announce(flow.state);
      claims.poll();
    }
    return this;
  }

  private Behavior<HandlerCommand> onStop(Stop m) {
    boolean first = !flow.state.stopping();
    if (first && flow.state.drained()) {
      attempts.ends().stopIsPlanned();
    }
    if (first) {
      flow.state = flow.state.stopTakingWork();
      pools.unlist();
      pools.announce(flow.state);
    }
    if (m.grace().isZero()) {
      timers.cancel(GraceOver.INSTANCE);
      getContext().getLog().info("handler {} stopping: killing and giving back {} job(s)", serverName, flow.state.slots().size());
      flow.apply(flow.state.stopAll());
    } else if (first) {
      getContext().getLog().info("handler {} stopping: takes no more work, lets {} job(s) end for up to {}",
          serverName, flow.state.slots().size(), m.grace());
      flow.apply(flow.state.releaseOutliving());
      timers.startSingleTimer(GraceOver.INSTANCE, m.grace());
    }
    stopWaiters.add(m.replyTo());
    checkStopped();
    return this;
  }

  private Behavior<HandlerCommand> onGraceOver() {
    getContext().getLog().info("handler {}: stop grace over; killing and giving back {} job(s)", serverName, flow.state.slots().size());
    flow.apply(flow.state.stopAll());
    return this;
  }

  private Behavior<HandlerCommand> onDispatcherTerminated(Terminated t) {
    pools.forgot(t.getRef());
    return this;
  }

  private void checkStopped() {
    if (flow.state.stopped() && !stopWaiters.isEmpty()) {
      getContext().getLog().info("handler {} stopped: every job ended or given back", serverName);
      timers.cancel(GraceOver.INSTANCE);
      stopWaiters.forEach(w -> w.tell(Done.getInstance()));
      stopWaiters.clear();
    }
  }
}
