package org.galley.ops.management;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko Management on {@code galley.management.host:port}. On loopback it is started as before,
 * open: only this machine reaches it. Anywhere else its routes are served behind
 * {@link ManagementAccess} on a server of our own, because Pekko Management's own authenticator
 * sees no path or method and so can neither leave the probes open nor keep leave/down for the admin.
 */
public final class ManagementServer extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);

  private final ManagementAccess access;

  private ManagementServer(ManagementAccess access) {
    this.access = access;
  }

  /** Whether {@code host} binds only to this machine (then no credentials are asked). */
  public static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Starts management; {@code access} is used (and must be non-null) when {@code host} is not loopback.
   *
   * @return the port it listens on
   */
  public static CompletionStage<Integer> start(ActorSystem<?> system, String host, int port, ManagementAccess access) {
    if (isLoopback(host)) {
      return PekkoManagement.get(system).start().thenApply(uri -> uri.port());
    }
    Route routes = PekkoManagement.get(system).getRoutes(settings -> settings);
    Route guarded = new ManagementServer(access).guard(routes);
    return Http.get(system).newServerAt(host, port).bind(guarded).thenApply(binding -> {
      log.info("management at http://{}:{} needs credentials (all but /alive and /ready; leave and down: the admin key)",
          host, binding.localAddress().getPort());
      return binding.localAddress().getPort();
    });
  }

  private Route guard(Route inner) {
    return extractRequest(request -> optionalHeaderValueByName("authorization", authorization ->
        optionalHeaderValueByName("x-api-key", apiKey -> {
          ManagementAccess.Decision d = access.decide(request.method().value(), request.getUri().path(),
              authorization, apiKey.filter(k -> !k.isBlank()));
          return switch (d) {
            case ALLOW -> inner;
            case NO_CREDENTIALS -> complete(challenge("credentials required: HTTP basic, or the admin key in x-api-key"));
            case BAD_CREDENTIALS -> complete(challenge("credentials not valid"));
            case ADMIN_REQUIRED -> complete(HttpResponse.create().withStatus(StatusCodes.FORBIDDEN)
                .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "leave and down need the admin key\n"));
          };
        })));
  }

  private static HttpResponse challenge(String message) {
    return HttpResponse.create().withStatus(StatusCodes.UNAUTHORIZED)
        .addHeader(WWWAuthenticate.create(HttpChallenge.createBasic("galley-management")))
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, message + "\n");
  }
}
