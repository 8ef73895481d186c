package org.galley.web.cluster;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.galley.core.admin.HandlerDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.galley.web.WebSettings;
import org.galley.web.auth.Auth;
import org.galley.web.auth.Caller;
import org.galley.web.http.ApiException;
import org.galley.web.http.ErrorCode;
import org.galley.web.http.Json;

/**
 * {@code /api/handlers} (admin only): the live handlers, and draining and undraining them. Drains
 * are decisions of the cluster's drain registry, which keeps them as events (who, when) and
 * survives restarts; this node only asks it. Any handler name may be drained, live or not, so an
 * operator can drain a handler before it starts. Nothing here blocks: every answer is an ask with
 * the directory's timeout, and an ask that fails is a 503 while the node keeps serving.
 */
public final class HandlerRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(HandlerRoutes.class);
  /** Server names show up in URLs, logs and job rows: the same plain shape as user names, without '@'. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

  private final WebSettings settings;
  private final Auth auth;
  private final HandlerDirectory directory;

  public HandlerRoutes(WebSettings settings, Auth auth, HandlerDirectory directory) {
    this.settings = settings;
    this.auth = auth;
    this.directory = directory;
  }

  public Route route() {
    return concat(
        path("handlers", () -> get(() -> admin(caller -> list()))),
        path(segment("handlers").slash(segment()).slash("drain"), name ->
            post(() -> admin(caller -> change(caller, name, true)))),
        path(segment("handlers").slash(segment()).slash("undrain"), name ->
            post(() -> admin(caller -> change(caller, name, false)))));
  }

  private Route admin(Function<Caller, Route> inner) {
    return auth.authenticated(caller -> auth.admin(caller, () -> inner.apply(caller)));
  }

  private Route list() {
    CompletionStage<ObjectNode> list =
        directory.liveHandlers().thenCombine(directory.drained(), HandlerJson::renderList);
    return onSuccess(answered(list, "list handlers"), body -> complete(Json.response(StatusCodes.OK, body)));
  }

  private Route change(Caller caller, String name, boolean drain) {
    String valid = validName(name);
    return withSizeLimit(settings.maxBody(), () ->
        entity(Unmarshaller.entityToByteArray(), body -> {
          requireNoBody(body);
          String what = (drain ? "drain " : "undrain ") + valid;
          CompletionStage<Set<String>> drained = drain
              ? directory.drain(valid, caller.name())
              : directory.undrain(valid, caller.name());
          return onSuccess(answered(drained, what), names -> {
            log.info("{} asked to {}; drained now: {}", caller.name(), what, names);
            return complete(Json.response(StatusCodes.OK, HandlerJson.renderChange(valid, names)));
          });
        }));
  }

  static String validName(String name) {
    if (!NAME.matcher(name).matches()) {
      String shown = name.length() > 100 ? name.substring(0, 100) + "..." : name;
      throw new ApiException(ErrorCode.INVALID_HANDLER_NAME, "handler name '" + shown + "': use letters, digits,"
          + " '_', '.' and '-', at most 100, starting with a letter or digit");
    }
    return name;
  }

  /**
   * The routes take no body. An empty one (what {@code curl -X POST} sends) and {@code {}} (what
   * many clients always send) are fine; anything else is refused rather than ignored, so that a
   * client sending, say, a reason does not believe it was recorded.
   */
  public static void requireNoBody(byte[] body) {
    if (new String(body, StandardCharsets.UTF_8).isBlank()) {
      return;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiException.malformed("this route takes no body (or {}); the body is not valid JSON");
    }
    if (!(node instanceof ObjectNode object) || !object.isEmpty()) {
      throw ApiException.malformed("this route takes no body (or {}); got " + describe(node));
    }
  }

  private static String describe(JsonNode node) {
    return node instanceof ObjectNode o ? "field '" + o.fieldNames().next() + "'" : Json.kind(node);
  }

  /**
   * The directory's asks fail when the drain registry (drains, job lock) or the receptionist does not answer in time
   * (unreachable, or the singleton moving to another node). That is the cluster's state, not the
   * client's fault, and worth a retry: 503. Draining and undraining are idempotent, so retrying a
   * change that took effect after all does no harm.
   */
  static <T> CompletionStage<T> answered(CompletionStage<T> ask, String what) {
    return ask.handle((value, failure) -> {
      if (failure == null) {
        return value;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause()
          : failure;
      if (cause instanceof TimeoutException) {
        log.warn("could not {}: {}", what, cause.toString());
      } else {
        log.warn("could not {}", what, cause);
      }
      throw new ApiException(ErrorCode.CLUSTER_UNAVAILABLE, "could not " + what + ": the cluster did not answer in"
          + " time (drain registry or receptionist unreachable); retry later, drain, undrain and the job lock are safe to repeat");
    });
  }
}
