package org.galley.web;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.galley.web.auth.UserRoutes;
import org.galley.web.cluster.ClusterRoutes;
import org.galley.web.cluster.HandlerRoutes;
import org.galley.web.cluster.JobLockRoutes;
import org.galley.web.galaxy.GalaxyRoutes;
import org.galley.web.http.ErrorCode;
import org.galley.web.http.ErrorHandling;
import org.galley.web.http.Json;
import org.galley.web.jobs.JobRoutes;
import org.galley.web.jobs.ToolRoutes;

/**
 * Every route under {@code /api}, sealed so that any error, ours or Pekko's, answers in JSON.
 * Paths and methods are matched before the key is checked: a wrong path is 404 and a wrong
 * method 405 whether or not the request carried a key.
 */
final class ApiRoutes extends AllDirectives {
  private final WebSettings settings;
  private final JobRoutes jobs;
  private final GalaxyRoutes galaxy;
  private final ToolRoutes tools;
  private final UserRoutes users;
  private final HandlerRoutes handlers;
  private final JobLockRoutes jobLock;
  private final ClusterRoutes cluster;
  private final GalleyVersion version;

  ApiRoutes(WebSettings settings, JobRoutes jobs, GalaxyRoutes galaxy, ToolRoutes tools, UserRoutes users, HandlerRoutes handlers,
      JobLockRoutes jobLock, ClusterRoutes cluster, GalleyVersion version) {
    this.jobLock = jobLock;
    this.cluster = cluster;
    this.settings = settings;
    this.jobs = jobs;
    this.galaxy = galaxy;
    this.tools = tools;
    this.users = users;
    this.handlers = handlers;
    this.version = version;
  }

  Route route() {
    Route api = pathPrefix("api", () -> concat(
        // No key: load balancers and `galley graceful` poll it to see that a node is up.
        path("version", () -> get(() -> complete(Json.response(StatusCodes.OK,
            Json.object().put("version", version.version()).put("version_major", version.major()))))),
        jobs.route(),
        galaxy.route(),
        tools.route(),
        users.route(),
        handlers.route(),
        jobLock.route(),
        cluster.route()));
    Route sealed = api.seal(ErrorHandling.rejections(settings.maxBody()), ErrorHandling.exceptions());
    // Pekko answers a request that outlives pekko.http.server.request-timeout itself, in plain text
    // unless told otherwise; the work may still complete, which the message must not deny.
    return withRequestTimeoutResponse(request -> Json.error(ErrorCode.TIMED_OUT,
        "no answer in time; the request may still take effect, look before you retry"), () -> sealed);
  }
}
