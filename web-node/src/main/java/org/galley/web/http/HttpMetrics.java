package org.galley.web.http;

import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.galley.core.metrics.Metrics;

/**
 * Counts and times every answer of the HTTP API by route template, method and status (also the
 * 4xx and 5xx of sealed errors, which are answers too). A request that never gets an answer (the
 * client went away) is not counted.
 */
public final class HttpMetrics extends AllDirectives {
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

  private final Metrics metrics;

  public HttpMetrics(Metrics metrics) {
    this.metrics = metrics;
  }

  public Route measured(Supplier<Route> inner) {
    return extractRequest(request -> {
      long start = System.nanoTime();
      String route = RouteTemplate.of(request.getUri().path());
      String method = request.method().name().toUpperCase(Locale.ROOT);
      String shown = METHODS.contains(method) ? method : "other";
      return mapResponse(response -> {
        metrics.httpAnswered(route, shown, response.status().intValue(), (System.nanoTime() - start) / 1e9);
        return response;
      }, inner);
    });
  }
}
