package org.galley.handler;

import java.time.Duration;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.admin.DrainRegistry;
import org.galley.protocol.DispatchProtocol.HandlerCommand;

/**
 * Follows whether this handler is drained (itself, or all handlers by the job lock), for the {@link HandlerActor} whose child it is. It
 * subscribes to the drains topic and asks the {@link DrainRegistry} at start, again after every
 * failed ask (the singleton may not be up yet) until one is answered, and once more a little
 * later: a change published before the subscription reached the publisher's node would otherwise
 * be missed. It tells the handler {@link Status} when the handler's drained state is first known
 * and whenever it changes. If the registry stays silent for {@code patience}, it says "not
 * drained" so that a cluster whose registry is down still runs jobs, and corrects that as soon as
 * the registry answers. It owns nothing: a new incarnation asks afresh.
 */
final class DrainWatch extends AbstractBehavior<DrainWatch.Command> {

  /** Whether the handler is drained; to the handler. */
  record Status(boolean drained) implements HandlerCommand, NoSerializationVerificationNeeded {}

  /** How patient the watch is; {@link #DEFAULT} in a node. */
  record Timing(Duration askTimeout, Duration retryDelay, Duration patience, Duration confirmAfter) {
    static final Timing DEFAULT = new Timing(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ofSeconds(5));
  }

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Published(DrainRegistry.Drains drains) implements Command {}

  /** An answer to the ask sent when {@code publishedBefore} topic messages had arrived. */
  private record Answered(DrainRegistry.Drains drains, Throwable failure, long publishedBefore) implements Command {}

  private enum Ask implements Command { INSTANCE }

  private enum PatienceOver implements Command { INSTANCE }

  static Behavior<Command> create(String serverName, ActorRef<Topic.Command<DrainRegistry.Drains>> topic,
      ActorRef<DrainRegistry.Command> registry, ActorRef<HandlerCommand> handler, Timing timing) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      topic.tell(Topic.subscribe(ctx.messageAdapter(DrainRegistry.Drains.class, Published::new)));
      timers.startSingleTimer(PatienceOver.INSTANCE, timing.patience());
      ctx.getSelf().tell(Ask.INSTANCE);
      return new DrainWatch(ctx, timers, serverName, registry, handler, timing);
    }));
  }

  private final TimerScheduler<Command> timers;
  private final String serverName;
  private final ActorRef<DrainRegistry.Command> registry;
  private final ActorRef<HandlerCommand> handler;
  private final Timing timing;
  /** Topic messages so far: an answer to an ask sent before the latest one may be older than it. */
  private long published;
  private boolean known;
  /** What the handler was told last; null before anything. */
  private Boolean told;

  private DrainWatch(ActorContext<Command> context, TimerScheduler<Command> timers, String serverName,
      ActorRef<DrainRegistry.Command> registry, ActorRef<HandlerCommand> handler, Timing timing) {
    super(context);
    this.timers = timers;
    this.serverName = serverName;
    this.registry = registry;
    this.handler = handler;
    this.timing = timing;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Ask.INSTANCE, this::onAsk)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Published.class, this::onPublished)
        .onMessageEquals(PatienceOver.INSTANCE, this::onPatienceOver)
        .build();
  }

  private Behavior<Command> onAsk() {
    long before = published;
    getContext().ask(DrainRegistry.Drains.class, registry, timing.askTimeout(), DrainRegistry.GetDrains::new,
        (drains, failure) -> new Answered(drains, failure, before));
    return this;
  }

  private Behavior<Command> onAnswered(Answered m) {
    if (m.failure() != null) {
      if (!known) {
        getContext().getLog().debug("the drain registry did not answer ({}); asking again", m.failure().toString());
        timers.startSingleTimer(Ask.INSTANCE, timing.retryDelay());
      }
    } else if (m.publishedBefore() == published) {
      learned(m.drains());
    }
    return this;
  }

  private Behavior<Command> onPublished(Published m) {
    published++;
    learned(m.drains());
    return this;
  }

  private Behavior<Command> onPatienceOver() {
    if (told == null) {
      getContext().getLog().warn("the drain registry did not answer within {}; handler {} takes work until it says otherwise",
          timing.patience(), serverName);
      tell(false);
    }
    return this;
  }

  private void learned(DrainRegistry.Drains drains) {
    if (!known) {
      known = true;
      timers.cancel(PatienceOver.INSTANCE);
      timers.startSingleTimer(Ask.INSTANCE, timing.confirmAfter());
    }
    tell(drains.holds(serverName)); // drained itself, or the cluster-wide job lock is on
  }

  private void tell(boolean drained) {
    if (told == null || told != drained) {
      told = drained;
      handler.tell(new Status(drained));
    }
  }
}
