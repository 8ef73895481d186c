package org.galley.web.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.galley.core.job.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every error a JSON {@code {"err_msg", "err_code"}}: the refusals of our routes
 * ({@link ApiException}), database failures (503: the request may be retried and the server keeps
 * serving), and whatever Pekko HTTP rejects itself (unknown path, wrong method, body too large).
 */
public final class ErrorHandling {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  private ErrorHandling() {}

  public static RejectionHandler rejections(long maxBody) {
    return RejectionHandler.newBuilder()
        // A body cut off by withSizeLimit surfaces as malformed content; it is the client's size,
        // not its syntax, that is wrong.
        .handle(MalformedRequestContentRejection.class, r -> Directives.complete(
            tooLarge(r.getCause())
                ? Json.error(ErrorCode.BODY_TOO_LARGE, "request body is larger than " + maxBody + " bytes")
                : Json.error(ErrorCode.MALFORMED_BODY, "malformed request body: " + r.message())))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(ErrorHandling::asJson);
  }

  public static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder().matchAny(e -> Directives.complete(toResponse(e))).build();
  }

  static HttpResponse toResponse(Throwable thrown) {
    Throwable e = unwrap(thrown);
    if (e instanceof ApiException api) {
      HttpResponse response = Json.error(api.code(), api.getMessage());
      return api.retryAfterSeconds() > 0
          ? response.addHeader(RetryAfter.create(api.retryAfterSeconds()))
          : response;
    }
    if (e instanceof StoreException || e instanceof RejectedExecutionException) {
      log.warn("database unavailable: {}", e.toString());
      // Retry-After: the pool refuses at once while the server is down and serves within a probe
      // interval of its return, so a client's next try a second later has a fair chance.
      return Json.error(ErrorCode.DATABASE_UNAVAILABLE, "the job database is unavailable; retry later")
          .addHeader(RetryAfter.create(1L));
    }
    if (tooLarge(e)) {
      return Json.error(ErrorCode.BODY_TOO_LARGE, "request body is too large");
    }
    log.error("request failed", e);
    return Json.error(ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName());
  }

  /** Futures completed on another executor wrap what the work threw. */
  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean tooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException) {
        return true;
      }
    }
    return false;
  }

  /** Rewrites Pekko's own plain-text rejection answers as our JSON errors, keeping status and headers. */
  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return response;
    }
    String text = response.entity() instanceof HttpEntity.Strict strict
        ? strict.getData().decodeString(StandardCharsets.UTF_8)
        : response.status().reason();
    HttpResponse json = Json.error(response.status(), ErrorCode.forStatus(response.status()), text);
    return response.withEntity(json.entity());
  }
}
