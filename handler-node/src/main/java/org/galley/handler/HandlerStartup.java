package org.galley.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.galley.core.job.Job;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.Describe;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol;

/**
 * The handler actor's first behaviour. Before it takes any work or tells a dispatcher it exists, it
 * recovers the jobs an earlier incarnation under its server name left in the table
 * ({@link Recovery}: adopt what still runs, settle the rest) and learns whether it is drained
 * ({@link DrainWatch}); then it becomes the {@link HandlerActor}, holding the adopted attempts.
 * A failed database step is tried again after {@code cancel-check-interval}: until it succeeds
 * the handler takes no work. Meanwhile it answers {@link Describe} at once, drops cancels (the
 * table says "deleting", which recovery and the cancel sweep read) and stashes everything else.
 */
final class HandlerStartup extends AbstractBehavior<HandlerCommand> {
  private static final int STASH_CAPACITY = 10_000;

  private sealed interface Internal extends HandlerCommand, NoSerializationVerificationNeeded {}

  private record HeldRead(List<Job> jobs, Throwable failure) implements Internal {}

  private record Recovered(Recovery.Result result, List<Job> tried, Throwable failure) implements Internal {}

  /** Jobs to read from the table again (null) or to recover again. */
  private record TryAgain(List<Job> jobs) implements Internal {}

  static Behavior<HandlerCommand> create(HandlerSetup setup) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> Behaviors.withStash(STASH_CAPACITY,
        stash -> new HandlerStartup(context, timers, stash, setup))));
  }

  private final TimerScheduler<HandlerCommand> timers;
  private final StashBuffer<HandlerCommand> stash;
  private final HandlerSetup setup;
  private final Executor blocking;
  private final Duration retryDelay;
  private final List<Recovery.Adopted> adopted = new ArrayList<>();
  private boolean recovered;
  /** Null until the drain watch has said. */
  private Boolean drained;

  private HandlerStartup(ActorContext<HandlerCommand> context, TimerScheduler<HandlerCommand> timers,
      StashBuffer<HandlerCommand> stash, HandlerSetup setup) {
    super(context);
    this.timers = timers;
    this.stash = stash;
    this.setup = setup;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    this.retryDelay = setup.settings().cancelCheckInterval();
    // Listed for administrators from the start, while it recovers; in its pools only once it takes work.
    context.getSystem().receptionist().tell(Receptionist.register(DispatchProtocol.ALL_HANDLERS, context.getSelf()));
    context.spawn(DrainWatch.create(setup.serverName(), setup.drains(), setup.drainRegistry(), context.getSelf(),
        setup.drainTiming()), "drain-watch");
    readHeld();
  }

  @Override
  public Receive<HandlerCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(HeldRead.class, this::onHeldRead)
        .onMessage(Recovered.class, this::onRecovered)
        .onMessage(TryAgain.class, this::onTryAgain)
        .onMessage(DrainWatch.Status.class, this::onDrainStatus)
        .onMessage(Describe.class, this::onDescribe)
        .onMessage(CancelJob.class, m -> this)
        .onMessage(HandlerActor.Deleting.class, m -> this)
        .onAnyMessage(this::onOther)
        .build();
  }

  private void readHeld() {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(setup.recovery()::held, blocking), HeldRead::new);
  }

  private void recover(List<Job> jobs) {
    var self = getContext().getSelf();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(
            () -> setup.recovery().recover(jobs, job -> HandlerSteps.progress(self, job)), blocking),
        (result, failure) -> new Recovered(result, jobs, failure));
  }

  private Behavior<HandlerCommand> onHeldRead(HeldRead m) {
    if (m.failure() != null) {
      getContext().getLog().warn("reading the jobs handler {} holds failed, trying again in {}: {}",
          setup.serverName(), retryDelay, m.failure().toString());
      timers.startSingleTimer(new TryAgain(null), retryDelay);
      return this;
    }
    if (!m.jobs().isEmpty()) {
      getContext().getLog().info("handler {} recovers {} job(s) it held before it restarted", setup.serverName(), m.jobs().size());
    }
    recover(m.jobs());
    return this;
  }

  private Behavior<HandlerCommand> onRecovered(Recovered m) {
    List<Job> again = m.failure() != null ? m.tried() : m.result().failed();
    if (m.result() != null) {
      adopted.addAll(m.result().adopted());
    }
    if (!again.isEmpty()) {
      timers.startSingleTimer(new TryAgain(again), retryDelay);
      return this;
    }
    recovered = true;
    return openIfReady();
  }

  private Behavior<HandlerCommand> onTryAgain(TryAgain m) {
    if (m.jobs() == null) {
      readHeld();
    } else {
      recover(m.jobs());
    }
    return this;
  }

  private Behavior<HandlerCommand> onDrainStatus(DrainWatch.Status m) {
    drained = m.drained();
    return openIfReady();
  }

  private Behavior<HandlerCommand> onDescribe(Describe m) {
    m.replyTo().tell(setup.description(getContext().getSystem(), adopted.size(), 0, Boolean.TRUE.equals(drained)));
    return this;
  }

  private Behavior<HandlerCommand> onOther(HandlerCommand m) {
    if (stash.isFull()) {
      getContext().getLog().warn("handler {} still starting; dropped {}", setup.serverName(), m);
    } else {
      stash.stash(m);
    }
    return this;
  }

  private Behavior<HandlerCommand> openIfReady() {
    if (!recovered || drained == null) {
      return this;
    }
    return stash.unstashAll(HandlerActor.open(getContext(), timers, setup, adopted, drained));
  }
}
