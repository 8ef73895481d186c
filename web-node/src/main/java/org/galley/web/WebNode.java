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
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.galley.core.admin.HandlerDirectory;
import org.galley.core.dispatch.Assignment;
import org.galley.core.dispatch.JobEvents;
import org.galley.core.job.IdempotencyStore;
import org.galley.core.job.JobStore;
import org.galley.core.metrics.Metrics;
import org.galley.core.settings.NodeSettings;
import org.galley.core.tools.ToolRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    log.info("web node {} starting with {}", node.serverName(), settings);
    var blockingDispatcher = system.dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    Blocking blocking = new Blocking(blockingDispatcher);
    UserStore users = new UserStore(dataSource);
    Auth auth = new Auth(adminKey, users, blocking);
    Metrics metrics = Metrics.get(system);
    JobRoutes jobRoutes = new JobRoutes(settings, auth, blocking, jobs, tools, events,
        new JobIntake(jobs, blockingDispatcher), assignment, new IdempotencyStore(dataSource, settings.idempotencyKeep()),
        metrics);
    Route api = new ApiRoutes(
        settings,
        jobRoutes,
        new GalaxyRoutes(settings, auth, blocking, jobs, tools, jobRoutes),
        new ToolRoutes(auth, tools),
        new UserRoutes(settings, auth, blocking, users),
        new HandlerRoutes(settings, auth, handlers),
        new JobLockRoutes(settings, auth, handlers),
        GalleyVersion.current()).route();
    Route dashboard = new DashboardRoutes().route();
    Route route = new HttpMetrics(metrics).measured(() -> org.apache.pekko.http.javadsl.server.Directives.concat(dashboard, api));
    var server = Http.get(system).newServerAt(settings.host(), settings.port());
    if (settings.reusePort()) {
      ServerSettings serverSettings = ServerSettings.create(Adapter.toClassic(system));
      server = server.withSettings(serverSettings.withSocketOptions(List.of(ReusePort.INSTANCE)));
    }
    return server.bind(route).thenApply(binding -> {
      addToCoordinatedShutdown(system, binding);
      log.info("web node {} serves the HTTP API at http://{}:{}/api", node.serverName(),
          binding.localAddress().getHostString(), binding.localAddress().getPort());
      return binding;
    });
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
