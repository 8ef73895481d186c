package org.galley.ops;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.galley.core.admin.DrainRegistry;
import org.galley.core.admin.HandlerDirectory;
import org.galley.core.cluster.ClusterConfig;
import org.galley.core.cluster.Readiness;
import org.galley.core.cluster.ClusterSettings;
import org.galley.core.cluster.NodeLease;
import org.galley.core.cluster.NodeLeases;
import org.galley.core.cluster.SeedJoin;
import org.galley.core.db.Database;
import org.galley.core.db.DatabaseSettings;
import org.galley.core.dispatch.Assignment;
import org.galley.core.dispatch.ClusterJobEvents;
import org.galley.core.dispatch.HandlerReaper;
import org.galley.core.dispatch.PoolDispatcher;
import org.galley.core.job.JobStore;
import org.galley.core.metrics.JobCounts;
import org.galley.core.metrics.MetricsSettings;
import org.galley.core.settings.JobsSettings;
import org.galley.core.settings.NodeSettings;
import org.galley.core.settings.StaticHandlers;
import org.galley.core.destinations.Destinations;
import org.galley.core.tools.ToolRegistry;
import org.galley.handler.Claiming;
import org.galley.handler.HandlerNode;
import org.galley.handler.HandlerSettings;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.JobsClaimable;
import org.galley.ops.management.ManagementAccess;
import org.galley.ops.management.ManagementServer;
import org.galley.web.auth.AdminKey;
import org.galley.web.WebNode;
import org.galley.web.WebSettings;
import org.galley.web.edge.EdgeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Galley process, put together from its settings: database, actor system, cluster
 * membership, pool dispatchers, and the handler and web parts its roles ask for. Stopping the
 * actor system (Ctrl-C runs coordinated shutdown) stops jobs, unbinds HTTP and closes the
 * database last.
 */
public final class GalleyNode {
  private static final Logger log = LoggerFactory.getLogger(GalleyNode.class);

  private final ActorSystem<Void> system;
  private final NodeSettings node;
  private final ServerBinding http;

  private GalleyNode(ActorSystem<Void> system, NodeSettings node, ServerBinding http) {
    this.system = system;
    this.node = node;
    this.http = http;
  }

  public static GalleyNode start(Config config) throws Exception {
    NodeSettings node = NodeSettings.fromConfig(config);
    DatabaseSettings dbSettings = DatabaseSettings.fromConfig(config);
    ClusterSettings clusterSettings = ClusterSettings.fromConfig(config);
    JobsSettings jobsSettings = JobsSettings.fromConfig(config);
    Destinations destinations = Destinations.fromConfig(config);
    ToolRegistry tools = ToolRegistry.fromConfig(config, destinations);
    log.info("{}", node);
    log.info("{}", dbSettings);
    log.info("{}", clusterSettings);
    log.info("{}", jobsSettings);
    log.info("{}", destinations);
    Files.createDirectories(node.varDir());
    // A handler beats first, before the slow parts start: a restarted handler must beat again
    // before the previous JVM's orphan watchdog gives up on the jobs it is about to adopt.
    HandlerNode.Prepared handler = node.isHandler() ? prepareHandler(config, jobsSettings) : null;

    Database db;
    ActorSystem<Void> system;
    try {
      // PostgreSQL (embedded start, pool, Flyway) and the actor system (Artery, cluster) start side
      // by side: nothing in the system touches the database before assemble(), which waits for it.
      DatabaseSettings dbChosen = dbSettings.withEmbeddedPortChosen();
      CompletableFuture<Database> opening = openInBackground(dbChosen, node);
      try {
        system = ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME, ClusterConfig.build(config, node,
            clusterSettings, dbChosen.connectUrl(), dbChosen.connectUser(), dbChosen.connectPassword()));
      } catch (RuntimeException e) {
        closeWhenOpen(opening);
        throw e;
      }
      try {
        db = awaitOpen(opening);
      } catch (IOException | RuntimeException e) {
        system.terminate();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      if (handler != null) {
        handler.close();
      }
      throw e;
    }
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database",
        () -> CompletableFuture.supplyAsync(() -> {
          closeQuietly(db);
          return Done.getInstance();
        }));
    try {
      return assemble(system, config, node, clusterSettings, jobsSettings, tools, db, handler);
    } catch (Exception e) {
      if (handler != null) {
        handler.close();
      }
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static CompletableFuture<Database> openInBackground(DatabaseSettings settings, NodeSettings node) {
    CompletableFuture<Database> opening = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        opening.complete(Database.open(settings, node.varDir()));
      } catch (IOException | RuntimeException | Error e) {
        opening.completeExceptionally(e);
      }
    }, "galley-database-open");
    t.setDaemon(true);
    t.start();
    return opening;
  }

  private static Database awaitOpen(CompletableFuture<Database> opening) throws IOException {
    try {
      return opening.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the database opened", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    }
  }

  private static void closeWhenOpen(CompletableFuture<Database> opening) {
    try {
      closeQuietly(awaitOpen(opening));
    } catch (IOException | RuntimeException e) {
      // it did not open either; the actor system's failure is the one to report
    }
  }

  private static HandlerNode.Prepared prepareHandler(Config config, JobsSettings jobsSettings) {
    HandlerSettings handlerSettings = HandlerSettings.fromConfig(config);
    // A frozen handler is seen unreachable no sooner than about the acceptable pause after its last
    // beat; its watchdog kills orphan-timeout after that beat; the reaper waits orphan-guard after
    // unreachable. A second of margin.
    java.time.Duration pause = config.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause");
    if (jobsSettings.orphanGuard().plus(pause).compareTo(handlerSettings.orphanTimeout().plusSeconds(1)) < 0) {
      throw new IllegalArgumentException("galley.jobs.orphan-guard (" + jobsSettings.orphanGuard()
          + ") + pekko.cluster.failure-detector.acceptable-heartbeat-pause (" + pause
          + ") must be at least galley.handler.orphan-timeout (" + handlerSettings.orphanTimeout()
          + ") + 1s, or a frozen handler's jobs could run again while its processes still run");
    }
    return HandlerNode.prepare(handlerSettings);
  }

  private static GalleyNode assemble(ActorSystem<Void> system, Config config, NodeSettings node,
      ClusterSettings clusterSettings, JobsSettings jobsSettings, ToolRegistry tools, Database db,
      HandlerNode.Prepared handler) throws Exception {
    Cluster cluster = Cluster.get(system);
    NodeLeases leases = new NodeLeases(db.dataSource(), clusterSettings.leaseTimeout());
    if (clusterSettings.seedNodes().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else if (SeedJoin.deferred(clusterSettings)) {
      SeedJoin.start(system, clusterSettings, leases);
    }
    NodeLease.start(system, leases, clusterSettings);
    JobStore jobs = new JobStore(db.dataSource());
    PoolDispatcher.initSharding(system, jobs, jobsSettings.sweepInterval());
    HandlerReaper.init(system, jobs, jobsSettings, leases);
    ActorRef<Topic.Command<CancelJob>> cancels = ClusterJobEvents.spawnCancelTopic(system);
    ActorRef<Topic.Command<JobsClaimable>> hints = ClusterJobEvents.spawnHintTopic(system);
    ClusterJobEvents events = new ClusterJobEvents(system, cancels, hints);
    ActorRef<Topic.Command<DrainRegistry.Drains>> drainsTopic = DrainRegistry.spawnTopic(system);
    ActorRef<DrainRegistry.Command> drains = DrainRegistry.init(system, drainsTopic);
    Readiness readiness = Readiness.get(system);
    NodeMetrics.cluster(system);
    NodeMetrics.database(system, db.dataSource());
    JobCounts.start(system, db.dataSource(), MetricsSettings.fromConfig(config).jobCountsInterval(),
        system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("galley.blocking-dispatcher")));
    // Pekko HTTP's javadsl Uri initialises its subclass JavaUri in its static initialiser. A request
    // thread that reaches JavaUri first (HttpRequest.getUri) while this thread initialises Uri for
    // the management routes deadlocks both for good (seen once in 11 starts of `bench startup`:
    // the node never answered). Initialise them here, on one thread, before any HTTP is served.
    org.apache.pekko.http.javadsl.model.Uri.create("http://localhost/");
    ServerBinding http = null;
    String previousAdminKey = config.getString("galley.admin-key-previous");
    String adminKey = null;
    if (node.isWeb()) {
      adminKey = AdminKey.loadOrCreate(node.varDir(), config.getString("galley.admin-key"));
      http = WebNode.start(system, WebSettings.fromConfig(config), EdgeSettings.fromConfig(config), node,
              db.dataSource(), jobs, tools, events, adminKey, previousAdminKey,
              new HandlerDirectory(system, drains, Duration.ofSeconds(5)),
              new Assignment(jobsSettings.assignWith(), node, StaticHandlers.fromConfig(config), new SecureRandom(),
                  name -> isUpMember(cluster, name)))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      readiness.require("member", () -> NodeChecks.memberUp(system));
      readiness.require("database", () -> NodeChecks.databaseAnswers(system, db.dataSource()));
    }
    // The handler part after the web binding: the API (answering only on a migrated database, in a
    // joined cluster) need not wait for the launcher, recovery and registration; a job submitted
    // meanwhile waits as `new` for the handler, as for any pool without a live handler.
    if (node.isHandler()) {
      HandlerNode started = HandlerNode.start(handler, system, node, jobs, tools,
          pool -> PoolDispatcher.of(system, pool), cancels, drainsTopic, drains,
          Claiming.fromConfig(config, jobsSettings, hints));
      events.localHandler(started.handler());
      NodeMetrics.handler(system, started.handler());
      readiness.require("handler", () -> NodeChecks.handlerRegistered(system, node.serverName()));
    }
    ManagementAccess managementAccess = null;
    if (!ManagementServer.isLoopback(clusterSettings.managementHost())) {
      // A handler-only node needs the admin key only for this; the CLI hands every node the same one.
      String key = adminKey != null ? adminKey : AdminKey.loadOrCreate(node.varDir(), config.getString("galley.admin-key"));
      managementAccess = new ManagementAccess(List.of(key, previousAdminKey),
          config.getString("galley.management.user"), config.getString("galley.management.password"));
    }
    ManagementServer.start(system, clusterSettings.managementHost(), clusterSettings.managementPort(), managementAccess)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new GalleyNode(system, node, http);
  }

  /** Whether a member named {@code serverName} is Up and reachable now. */
  private static boolean isUpMember(Cluster cluster, String serverName) {
    var state = cluster.state();
    String role = org.galley.protocol.Roles.ofServer(serverName);
    for (org.apache.pekko.cluster.Member m : state.getMembers()) {
      if (m.status() == org.apache.pekko.cluster.MemberStatus.up() && m.hasRole(role) && !state.getUnreachable().contains(m)) {
        return true;
      }
    }
    return false;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public NodeSettings settings() {
    return node;
  }

  /** The bound HTTP address, or null on a node without the web role. */
  public ServerBinding http() {
    return http;
  }

  /** Runs coordinated shutdown and waits for it. */
  public void stop(Duration timeout) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void closeQuietly(Database db) {
    try {
      db.close();
    } catch (IOException | RuntimeException e) {
      log.warn("closing the database failed: {}", e.toString());
    }
  }
}
