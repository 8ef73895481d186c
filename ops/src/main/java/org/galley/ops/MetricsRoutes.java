package org.galley.ops;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.galley.core.metrics.Metrics;

/**
 * {@code GET /metrics} on the management port: the node's {@link Metrics} in Prometheus' text
 * format. Pekko Management loads it from {@code pekko.management.http.routes} (galley-pekko.conf).
 * The scrape runs on the blocking dispatcher: a few gauges ask the node's own parts (a handler's
 * slots) and may wait for them briefly. Like the rest of management it has no authentication and
 * binds to {@code galley.management.host}; it shows no job ids, user names or parameters.
 */
public final class MetricsRoutes extends AllDirectives implements ManagementRouteProvider {
  private static final ContentType TEXT = ContentTypes.parse(PrometheusTextFormatWriter.CONTENT_TYPE);

  private final ActorSystem<?> system;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  public MetricsRoutes(ExtendedActorSystem system) {
    this.system = Adapter.toTyped(system);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    return path("metrics", () -> get(() -> completeWithFuture(
        CompletableFuture.supplyAsync(this::scrape, blocking)
            .thenApply(body -> HttpResponse.create().withEntity(HttpEntities.create(TEXT, body))))));
  }

  /** The exposition of every metric now; public so a bench can time it without HTTP. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
    try {
      writer.write(out, Metrics.get(system).registry().scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
