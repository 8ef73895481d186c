package org.galley.core.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.galley.protocol.CborSerializable;

/**
 * Which handlers are drained, and whether the job lock is on (Galaxy's {@code job_lock}: no
 * handler starts new jobs, running ones go on): an event-sourced cluster singleton on Persistence
 * JDBC. Its events (who drained or undrained which handler, who turned the lock on or off, when)
 * are the audit trail, and both survive restarts of every node. The lock is a drain of every
 * handler: handlers follow it exactly as they follow their own drain. After every change it publishes the full drained set on the {@code drains}
 * topic, which handlers follow; a handler starting up asks with {@link GetDrains}.
 *
 * <p>On loss of its node the singleton starts on the oldest remaining node and replays its events.
 */
public final class DrainRegistry {

  /** Commands; they come from web and handler nodes through the singleton proxy. */
  public sealed interface Command extends CborSerializable {}

  public record Drain(String serverName, String by, ActorRef<Drains> replyTo) implements Command {}

  public record Undrain(String serverName, String by, ActorRef<Drains> replyTo) implements Command {}

  public record GetDrains(ActorRef<Drains> replyTo) implements Command {}

  /** Turns the job lock on or off. */
  public record SetJobLock(boolean active, String by, ActorRef<Drains> replyTo) implements Command {}

  /**
   * The drained handlers and the job lock now; the answer to every command and what the topic
   * carries. A handler takes no new jobs while {@link #holds} it.
   */
  public record Drains(Set<String> drained, boolean jobLock) implements CborSerializable {
    public Drains {
      drained = Set.copyOf(drained);
    }

    /** No job lock. */
    public Drains(Set<String> drained) {
      this(drained, false);
    }

    /** Whether {@code serverName} is to take no new jobs: drained itself, or the job lock is on. */
    public boolean holds(String serverName) {
      return jobLock || drained.contains(serverName);
    }
  }

  /** Events, named in the past tense. */
  public sealed interface Event extends CborSerializable {}

  public record HandlerDrained(String serverName, String by, Instant at) implements Event {}

  public record HandlerUndrained(String serverName, String by, Instant at) implements Event {}

  public record JobLockChanged(boolean active, String by, Instant at) implements Event {}

  public static final String TOPIC = "drains";

  private DrainRegistry() {}

  /** Starts the singleton (where the cluster places it) and returns a proxy to it. */
  public static ActorRef<Command> init(ActorSystem<?> system, ActorRef<Topic.Command<Drains>> topic) {
    return ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.supervise(create(topic, Clock.systemUTC())).onFailure(SupervisorStrategy.restartWithBackoff(
            java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5), 0.2)),
        "drain-registry"));
  }

  /** The topic drains are published on; one local topic actor per node. */
  public static ActorRef<Topic.Command<Drains>> spawnTopic(ActorSystem<?> system) {
    return system.systemActorOf(Topic.create(Drains.class, TOPIC), "drains-topic",
        org.apache.pekko.actor.typed.Props.empty());
  }

  public static Behavior<Command> create(ActorRef<Topic.Command<Drains>> topic, Clock clock) {
    return new Entity(PersistenceId.ofUniqueId("galley-drains"), topic, clock);
  }

  private static final class Entity extends EventSourcedBehavior<Command, Event, DrainState> {
    private final ActorRef<Topic.Command<Drains>> topic;
    private final Clock clock;

    Entity(PersistenceId id, ActorRef<Topic.Command<Drains>> topic, Clock clock) {
      super(id);
      this.topic = topic;
      this.clock = clock;
    }

    @Override
    public DrainState emptyState() {
      return DrainState.empty();
    }

    @Override
    public CommandHandler<Command, Event, DrainState> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Drain.class, (state, c) -> state.isDrained(c.serverName())
              ? Effect().reply(c.replyTo(), drains(state))
              : Effect().persist(new HandlerDrained(c.serverName(), c.by(), clock.instant()))
                  .thenRun(s -> publish(s))
                  .thenReply(c.replyTo(), s -> drains(s)))
          .onCommand(Undrain.class, (state, c) -> !state.isDrained(c.serverName())
              ? Effect().reply(c.replyTo(), drains(state))
              : Effect().persist(new HandlerUndrained(c.serverName(), c.by(), clock.instant()))
                  .thenRun(s -> publish(s))
                  .thenReply(c.replyTo(), s -> drains(s)))
          .onCommand(SetJobLock.class, (state, c) -> state.jobLocked() == c.active()
              ? Effect().reply(c.replyTo(), drains(state))
              : Effect().persist(new JobLockChanged(c.active(), c.by(), clock.instant()))
                  .thenRun(s -> publish(s))
                  .thenReply(c.replyTo(), s -> drains(s)))
          .onCommand(GetDrains.class, (state, c) -> Effect().reply(c.replyTo(), drains(state)))
          .build();
    }

    @Override
    public EventHandler<DrainState, Event> eventHandler() {
      return newEventHandlerBuilder().forAnyState()
          .onEvent(HandlerDrained.class, (state, e) -> state.drain(e.serverName(), e.by(), e.at()))
          .onEvent(HandlerUndrained.class, (state, e) -> state.undrain(e.serverName()))
          .onEvent(JobLockChanged.class, (state, e) -> state.jobLock(e.active(), e.by(), e.at()))
          .build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      // Snapshots keep recovery short; events stay as the audit trail.
      return RetentionCriteria.snapshotEvery(100, 2);
    }

    private void publish(DrainState s) {
      topic.tell(Topic.publish(drains(s)));
    }

    private static Drains drains(DrainState s) {
      return new Drains(s.names(), s.jobLocked());
    }
  }
}
