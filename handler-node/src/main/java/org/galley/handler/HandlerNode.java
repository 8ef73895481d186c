package org.galley.handler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.job.JobStore;
import org.galley.core.settings.NodeSettings;
import org.galley.core.tools.ToolRegistry;
import org.galley.protocol.DispatchProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler role of a node: starts the {@link HandlerActor} and ties its stop to the actor
 * system's coordinated shutdown.
 *
 * <p>The stop runs in phase {@code service-requests-done}: after the node stopped taking requests
 * and before it leaves the cluster ({@code cluster-sharding-shutdown-region}, {@code cluster-leave})
 * and long before Main closes the database ({@code before-actor-system-terminate}). So the jobs are
 * given back while this handler is still a member that dispatchers can reach (they get "draining,
 * no slots" rather than dead letters), the cluster's own requeue of a removed handler finds nothing
 * left, and no job is requeued while its process still runs here. The phase's timeout (5 s unless
 * configured) bounds the stop; it needs about kill-grace plus a few database writes.
 */
public final class HandlerNode {
  private static final Logger log = LoggerFactory.getLogger(HandlerNode.class);
  private static final String STOP_PHASE = CoordinatedShutdown.PhaseServiceRequestsDone();

  private final ActorSystem<?> system;
  private final ActorRef<DispatchProtocol.HandlerCommand> handler;
  private final Duration stopTimeout;

  private HandlerNode(ActorSystem<?> system, ActorRef<DispatchProtocol.HandlerCommand> handler, Duration stopTimeout) {
    this.system = system;
    this.handler = handler;
    this.stopTimeout = stopTimeout;
  }

  public static HandlerNode start(ActorSystem<?> system, NodeSettings node, HandlerSettings settings, JobStore jobs,
      ToolRegistry tools, Function<String, RecipientRef<DispatchProtocol.DispatcherCommand>> dispatcherFor,
      ActorRef<Topic.Command<DispatchProtocol.CancelJob>> cancels) {
    log.info("handler {} serving pools {} with {}", node.serverName(), node.servedPools(), settings);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    Duration stopTimeout = Duration.ofNanos(shutdown.timeout(STOP_PHASE).toNanos());
    if (settings.killGrace().plusSeconds(1).compareTo(stopTimeout) > 0) {
      log.warn("galley.handler.kill-grace {} leaves too little of the {} s the {} phase may take to give jobs back",
          settings.killGrace(), stopTimeout.toSeconds(), STOP_PHASE);
    }
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    Runner local = new LocalRunner(settings.killGrace(), blocking);
    Attempts attempts = new Attempts(node.serverName(), jobs, tools, Map.of(local.name(), local),
        new JobDirectories(settings.jobsDir()));
    ActorRef<DispatchProtocol.HandlerCommand> handler = system.systemActorOf(
        HandlerActor.create(node.serverName(), node.servedPools(), settings, attempts, dispatcherFor, cancels),
        "galley-handler", Props.empty());
    HandlerNode started = new HandlerNode(system, handler, stopTimeout);
    shutdown.addTask(STOP_PHASE, "galley-handler-give-back-jobs", started::stop);
    return started;
  }

  /** The handler actor, as dispatchers see it. */
  public ActorRef<DispatchProtocol.HandlerCommand> handler() {
    return handler;
  }

  /**
   * Takes no more work, kills every job running here and gives it back; completes once all are
   * given back. Coordinated shutdown calls this; calling it twice is harmless.
   */
  public CompletionStage<Done> stop() {
    return AskPattern.ask(handler, HandlerActor.Stop::new, stopTimeout, system.scheduler());
  }
}
