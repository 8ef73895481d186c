package org.galley.handler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
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
import org.galley.core.admin.DrainRegistry;
import org.galley.core.cluster.FastStop;
import org.galley.core.job.JobStore;
import org.galley.core.settings.NodeSettings;
import org.galley.core.tools.ToolRegistry;
import org.galley.handler.local.LocalRunner;
import org.galley.handler.local.OrphanWatchdog;
import org.galley.handler.noop.NoopRunner;
import org.galley.handler.runner.JobDirectories;
import org.galley.handler.runner.Runner;
import org.galley.handler.slurm.SlurmRunner;
import org.galley.protocol.DispatchProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler role of a node: takes the jobs directory, starts the {@link OrphanWatchdog} and the
 * {@link HandlerActor}, and ties the handler's stop to the actor system's coordinated shutdown.
 *
 * <p>The stop runs in phase {@code service-requests-done}: after the node stopped taking requests
 * and before it leaves the cluster ({@code cluster-sharding-shutdown-region}, {@code cluster-leave};
 * the leader removes a leaving member only once it confirmed its exit, later still) and long before
 * Main closes the database ({@code before-actor-system-terminate}). So jobs end or are given back
 * while this handler is still a member that dispatchers can reach (they get "draining, no slots"
 * rather than dead letters), the cluster's own requeue of a removed handler finds nothing left, and
 * no job is requeued while its process still runs here. Ctrl-C ({@link FastStop}) and a node downed
 * by the cluster stop at once: a downed member's jobs are requeued elsewhere {@code requeue-delay}
 * after its removal, so it may not let them run on. Any other reason (SIGTERM, a leave) lets running
 * jobs end for up to {@code shutdown-grace} first. The phase's timeout must cover that grace, the
 * kill grace and a few database writes; the start fails if it does not.
 */
public final class HandlerNode {
  private static final Logger log = LoggerFactory.getLogger(HandlerNode.class);
  private static final String STOP_PHASE = CoordinatedShutdown.PhaseServiceRequestsDone();

  private final ActorSystem<?> system;
  private final ActorRef<DispatchProtocol.HandlerCommand> handler;
  private final HandlerSettings settings;
  private final OrphanWatchdog watchdog;
  private final Duration stopTimeout;

  private final Map<String, Runner> runners;

  private HandlerNode(ActorSystem<?> system, ActorRef<DispatchProtocol.HandlerCommand> handler, HandlerSettings settings,
      OrphanWatchdog watchdog, Duration stopTimeout, Map<String, Runner> runners) {
    this.runners = Map.copyOf(runners);
    this.system = system;
    this.handler = handler;
    this.settings = settings;
    this.watchdog = watchdog;
    this.stopTimeout = stopTimeout;
  }

  /**
   * Starts the handler. Blocks briefly (the jobs directory, the watchdog's start).
   *
   * @param drains the topic the {@link DrainRegistry} publishes on
   * @param drainRegistry the registry (singleton proxy), asked at start whether this handler is drained
   * @throws IllegalArgumentException if the stop does not fit its coordinated-shutdown phase
   * @throws IllegalStateException if another running handler uses the jobs directory
   */
  public static HandlerNode start(ActorSystem<?> system, NodeSettings node, HandlerSettings settings, JobStore jobs,
      ToolRegistry tools, Function<String, RecipientRef<DispatchProtocol.DispatcherCommand>> dispatcherFor,
      ActorRef<Topic.Command<DispatchProtocol.CancelJob>> cancels,
      ActorRef<Topic.Command<DrainRegistry.Drains>> drains, ActorRef<DrainRegistry.Command> drainRegistry) {
    return start(prepare(settings), system, node, jobs, tools, dispatcherFor, cancels, drains, drainRegistry);
  }

  /** As above, for the assignment methods, limits and walltime of {@code claiming}. */
  public static HandlerNode start(ActorSystem<?> system, NodeSettings node, HandlerSettings settings, JobStore jobs,
      ToolRegistry tools, Function<String, RecipientRef<DispatchProtocol.DispatcherCommand>> dispatcherFor,
      ActorRef<Topic.Command<DispatchProtocol.CancelJob>> cancels,
      ActorRef<Topic.Command<DrainRegistry.Drains>> drains, ActorRef<DrainRegistry.Command> drainRegistry,
      Claiming claiming) {
    return start(prepare(settings), system, node, jobs, tools, dispatcherFor, cancels, drains, drainRegistry, claiming);
  }

  /**
   * The first step of a handler process, before its database and actor system start: takes the
   * jobs directory and starts the heartbeat and the orphan watchdog, so that jobs are never started
   * unguarded. Close it if the process does not get to {@code start}.
   */
  public static Prepared prepare(HandlerSettings settings) {
    try {
      return new Prepared(settings, OrphanWatchdog.start(settings.jobsDir(), settings.orphanTimeout()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the orphan watchdog in " + settings.jobsDir(), e);
    }
  }

  /** A handler's jobs directory taken and its heartbeat running; see {@link #prepare}. */
  public static final class Prepared implements AutoCloseable {
    private final HandlerSettings settings;
    private final OrphanWatchdog watchdog;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Prepared(HandlerSettings settings, OrphanWatchdog watchdog) {
      this.settings = settings;
      this.watchdog = watchdog;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        watchdog.close();
      }
    }
  }

  /** Starts the handler on a prepared jobs directory; see {@link #prepare}. */
  public static HandlerNode start(Prepared prepared, ActorSystem<?> system, NodeSettings node, JobStore jobs,
      ToolRegistry tools, Function<String, RecipientRef<DispatchProtocol.DispatcherCommand>> dispatcherFor,
      ActorRef<Topic.Command<DispatchProtocol.CancelJob>> cancels,
      ActorRef<Topic.Command<DrainRegistry.Drains>> drains, ActorRef<DrainRegistry.Command> drainRegistry) {
    return start(prepared, system, node, jobs, tools, dispatcherFor, cancels, drains, drainRegistry, Claiming.CLUSTER_ONLY);
  }

  /** As above, for the assignment methods, limits and walltime of {@code claiming}. */
  public static HandlerNode start(Prepared prepared, ActorSystem<?> system, NodeSettings node, JobStore jobs,
      ToolRegistry tools, Function<String, RecipientRef<DispatchProtocol.DispatcherCommand>> dispatcherFor,
      ActorRef<Topic.Command<DispatchProtocol.CancelJob>> cancels,
      ActorRef<Topic.Command<DrainRegistry.Drains>> drains, ActorRef<DrainRegistry.Command> drainRegistry,
      Claiming claiming) {
    HandlerSettings settings = prepared.settings;
    log.info("handler {} serving pools {} with {}; {}", node.serverName(), node.servedPools(), settings, claiming);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    Duration stopTimeout = Duration.ofNanos(shutdown.timeout(STOP_PHASE).toNanos());
    settings.requireStopFits(STOP_PHASE, stopTimeout);
    OrphanWatchdog watchdog = prepared.watchdog;
    system.getWhenTerminated().thenRun(prepared::close);
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    JobDirectories directories = new JobDirectories(settings.jobsDir());
    LocalRunner local = new LocalRunner(settings.killGrace(), blocking, settings.processLauncher(), directories);
    local.requireLauncher();
    Map<String, Runner> runners = new HashMap<>(Map.of(local.name(), local, NoopRunner.NAME, new NoopRunner(directories)));
    if (tools.destinations().all().values().stream().anyMatch(d -> d.runner().equals(SlurmRunner.NAME))) {
      SlurmRunner slurm = new SlurmRunner(settings.slurm());
      runners.put(slurm.name(), slurm);
      system.getWhenTerminated().thenRun(slurm::close);
    }
    Attempts attempts = new Attempts(node.serverName(), settings.clusterName(), jobs, tools, runners, claiming.limits(),
        claiming.walltime(), claiming.maxAttempts(), OutputKeeper.fromConfig(system.settings().config(), jobs.outputs()));
    HandlerSetup setup = new HandlerSetup(node.serverName(), node.servedPools(), settings, attempts,
        new Recovery(node.serverName(), jobs, attempts, directories, LocalRunner.NAME),
        dispatcherFor, cancels, drains, drainRegistry, DrainWatch.Timing.DEFAULT, System.currentTimeMillis(),
        claiming.tablePoll(node), claiming.outputSize());
    ActorRef<DispatchProtocol.HandlerCommand> handler = system.systemActorOf(HandlerActor.create(setup),
        "galley-handler", Props.empty());
    if (system.settings().config().getString("pekko.actor.provider").equals("cluster")) {
      system.systemActorOf(IsolationFence.create(watchdog::killAll), "galley-isolation-fence", Props.empty());
    }
    HandlerNode started = new HandlerNode(system, handler, settings, watchdog, stopTimeout, runners);
    shutdown.addTask(STOP_PHASE, "galley-handler-give-back-jobs", started::stopForShutdown);
    return started;
  }

  /** The runner of that name on this handler, if it has one (for tests and diagnostics). */
  public java.util.Optional<Runner> runner(String name) {
    return java.util.Optional.ofNullable(runners.get(name));
  }

  /** The handler actor, as dispatchers see it. */
  public ActorRef<DispatchProtocol.HandlerCommand> handler() {
    return handler;
  }

  /** Takes no more work, kills every job running here and gives it back; completes once none is left. */
  public CompletionStage<Done> stopNow() {
    return stop(Duration.ZERO);
  }

  /**
   * Takes no more work, lets running jobs end for up to {@code shutdown-grace}, then kills and gives
   * back the rest; completes once none is left.
   */
  public CompletionStage<Done> stopGracefully() {
    return stop(settings.shutdownGrace());
  }

  /**
   * The coordinated-shutdown task: at once for Ctrl-C or a downed node, gracefully otherwise. A
   * downed node's jobs are requeued elsewhere {@code galley.jobs.requeue-delay} after the cluster
   * downed it, so its processes get SIGKILL from the watchdog at once, not SIGTERM and a kill grace;
   * they then end as lost and are given back (a write the reaper's requeue may have fenced off).
   */
  private CompletionStage<Done> stopForShutdown() {
    java.util.Optional<CoordinatedShutdown.Reason> reason = CoordinatedShutdown.get(system).getShutdownReason();
    if (reason.filter(r -> r == CoordinatedShutdown.clusterDowningReason()).isPresent()) {
      log.warn("this node was downed: killing every job here at once; the cluster runs them elsewhere");
      watchdog.killAll();
      return stopNow();
    }
    return reason.filter(r -> r == FastStop.INSTANCE).isPresent() ? stopNow() : stopGracefully();
  }

  /**
   * Once every job ended or was given back, the watchdog is dismissed. If the stop runs out of time
   * instead, the watchdog stays: when this JVM stops beating, it kills what is left.
   */
  private CompletionStage<Done> stop(Duration grace) {
    return AskPattern.<DispatchProtocol.HandlerCommand, Done>ask(handler, replyTo -> new HandlerActor.Stop(replyTo, grace),
            stopTimeout, system.scheduler())
        .thenApply(done -> {
          watchdog.dismiss();
          return done;
        });
  }
}
