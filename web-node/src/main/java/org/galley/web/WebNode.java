package org.galley.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.galley.core.admin.HandlerDirectory;
import org.galley.core.dispatch.Assignment;
import org.galley.core.dispatch.JobEvents;
import org.galley.core.job.IdempotencyStore;
import org.galley.core.job.JobStore;
import org.galley.core.metrics.JobActivity;
import org.galley.core.metrics.Metrics;
import org.galley.core.settings.NodeSettings;
import org.galley.core.tools.ToolRegistry;
import org.galley.web.edge.AccessLog;
import org.galley.web.edge.EdgeSettings;
import org.galley.web.edge.TlsContext;
import org.galley.web.edge.TokenBuckets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.galley.web.auth.AdminKeys;
import org.galley.web.auth.Auth;
import org.galley.web.auth.UserRoutes;
import org.galley.web.auth.UserStore;
import org.galley.web.cluster.ClusterRoutes;
import org.galley.web.cluster.HandlerRoutes;
import org.galley.web.cluster.JobLockRoutes;
import org.galley.web.galaxy.GalaxyRoutes;
import org.galley.web.http.Blocking;
import org.galley.web.http.HttpMetrics;
import org.galley.web.jobs.JobIntake;
import org.galley.web.jobs.JobRoutes;
import org.galley.web.jobs.ToolRoutes;

/**
 * The web role of a process: binds the HTTP API and ties it to coordinated shutdown, so that a
 * stopping node first stops accepting connections ({@code service-unbind}) and then lets requests
 * already in flight finish ({@code service-requests-done}) before the database pool closes. A
 * rolling restart thus fails no request that reached a node.
 */
public final class WebNode {
  private static final Logger log = LoggerFactory.getLogger(WebNode.class);

  private WebNode() {}

  /**
   * Binds the API on {@code settings.host():settings.port()}. The stage fails if the port cannot be
   * bound.
   *
   * @param adminKey the key {@link AdminKey#loadOrCreate} settled on
   * @param handlers live handlers and drains for {@code /api/handlers}; its timeout bounds those requests
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, WebSettings settings, NodeSettings node,
      DataSource dataSource, JobStore jobs, ToolRegistry tools, JobEvents events, String adminKey,
      HandlerDirectory handlers) {
    return start(system, settings, node, dataSource, jobs, tools, events, adminKey, handlers, Assignment.clusterOnly(node));
  }

  /** As above, with the assignment methods of {@code galley.jobs.assign-with} ({@link Assignment}). */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, WebSettings settings, NodeSettings node,
      DataSource dataSource, JobStore jobs, ToolRegistry tools, JobEvents events, String adminKey,
      HandlerDirectory handlers, Assignment assignment) {
    return start(system, settings, EdgeSettings.NONE, node, dataSource, jobs, tools, events, adminKey, "", handlers,
        assignment);
  }

  /**
   * As above, with TLS, trusted proxies and rate limits ({@link EdgeSettings}).
   *
   * @param previousAdminKey also accepted as the admin key while a rotation rolls through the nodes; empty: none
   * @return the binding of the API port (HTTPS with TLS on); a loopback HTTP port beside it is logged
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, WebSettings settings, EdgeSettings edge,
      NodeSettings node, DataSource dataSource, JobStore jobs, ToolRegistry tools, JobEvents events, String adminKey,
      String previousAdminKey, HandlerDirectory handlers, Assignment assignment) {
    log.info("web node {} starting with {} and {}", node.serverName(), settings, edge);
    var blockingDispatcher = system.dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    Blocking blocking = new Blocking(blockingDispatcher);
    UserStore users = new UserStore(dataSource);
    AdminKeys adminKeys = AdminKeys.of(adminKey, previousAdminKey);
    if (adminKeys.count() > 1) {
      log.info("web node {} accepts the previous admin key too, until the rotation ends", node.serverName());
    }
    // Buckets of a minute's failures, refilled over that minute; at most 100,000 addresses remembered.
    TokenBuckets authFailures = new TokenBuckets(edge.authFailuresPerMinute() / 60.0,
        Math.max(1, edge.authFailuresPerMinute()), 100_000, System::nanoTime);
    TokenBuckets submitRate = new TokenBuckets(edge.userSubmitRate(), Math.max(1, edge.userSubmitRate()), 100_000,
        System::nanoTime);
    Auth auth = new Auth(adminKeys, users, blocking, authFailures);
    Metrics metrics = Metrics.get(system);
    JobRoutes jobRoutes = new JobRoutes(settings, auth, blocking, jobs, tools, events,
        new JobIntake(jobs, blockingDispatcher), assignment, new IdempotencyStore(dataSource, settings.idempotencyKeep()),
        submitRate, metrics);
    Route api = new ApiRoutes(
        settings,
        jobRoutes,
        new GalaxyRoutes(settings, auth, blocking, jobs, tools, jobRoutes),
        new ToolRoutes(auth, tools),
        new UserRoutes(settings, auth, blocking, users),
        new HandlerRoutes(settings, auth, handlers),
        new JobLockRoutes(settings, auth, handlers),
        new ClusterRoutes(system, auth, JobActivity.start(system, dataSource, blockingDispatcher)),
        GalleyVersion.current()).route();
    Route dashboard = new DashboardRoutes().route();
    Route route = new AccessLog(edge.trustedProxies()).route(() -> new HttpMetrics(metrics).measured(
        () -> org.apache.pekko.http.javadsl.server.Directives.concat(dashboard, api)));
    // The peer's address is what the access log and the per-address limits start from.
    ServerSettings serverSettings = ServerSettings.create(Adapter.toClassic(system)).withRemoteAddressAttribute(true);
    if (settings.reusePort()) {
      serverSettings = serverSettings.withSocketOptions(List.of(ReusePort.INSTANCE));
    }
    var server = Http.get(system).newServerAt(settings.host(), settings.port()).withSettings(serverSettings);
    String scheme = "http";
    if (edge.tls().enabled()) {
      server = server.enableHttps(ConnectionContext.httpsServer(TlsContext.create(edge.tls())));
      scheme = "https";
    }
    String shownScheme = scheme;
    CompletionStage<ServerBinding> main = server.bind(route).thenApply(binding -> {
      addToCoordinatedShutdown(system, binding);
      log.info("web node {} serves the HTTP API at {}://{}:{}/api", node.serverName(), shownScheme,
          binding.localAddress().getHostString(), binding.localAddress().getPort());
      return binding;
    });
    if (edge.loopbackPort() < 0) {
      return main;
    }
    CompletionStage<ServerBinding> loopback = Http.get(system).newServerAt("127.0.0.1", edge.loopbackPort())
        .withSettings(serverSettings).bind(route).thenApply(binding -> {
          addToCoordinatedShutdown(system, binding);
          log.info("web node {} also serves plain HTTP on loopback at http://127.0.0.1:{}/api", node.serverName(),
              binding.localAddress().getPort());
          return binding;
        });
    return main.thenCombine(loopback, (m, l) -> m);
  }

  private static void addToCoordinatedShutdown(ActorSystem<?> system, ServerBinding binding) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    String name = "galley-http-" + binding.localAddress().getPort();
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), name + "-unbind", () -> {
      log.info("HTTP API on {} stops accepting connections", binding.localAddress());
      return binding.unbind();
    });
    // In-flight requests get most of their phase; the rest is margin so the phase itself does not
    // time out before the connections are closed.
    long phaseMillis = shutdown.timeout(CoordinatedShutdown.PhaseServiceRequestsDone()).toMillis();
    Duration deadline = Duration.ofMillis(phaseMillis * 9 / 10);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), name + "-terminate",
        () -> binding.terminate(deadline).thenApply(terminated -> Done.getInstance()));
  }
}
