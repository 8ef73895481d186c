package org.galley.web.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Function;
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
import org.galley.web.http.Json;

/**
 * {@code GET/PUT /api/job_lock} (admin only), as in Galaxy: {@code {"active": true}} stops every
 * handler of the cluster from starting new jobs; running ones go on. The lock is a decision of the
 * cluster's drain registry, kept as events (who, when), so it survives restarts of every node. A
 * PUT answers once every live handler applied it; an ask that fails is a 503 and safe to repeat.
 */
public final class JobLockRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(JobLockRoutes.class);

  private final WebSettings settings;
  private final Auth auth;
  private final HandlerDirectory directory;

  public JobLockRoutes(WebSettings settings, Auth auth, HandlerDirectory directory) {
    this.settings = settings;
    this.auth = auth;
    this.directory = directory;
  }

  public Route route() {
    return path("job_lock", () -> concat(
        get(() -> admin(caller -> onSuccess(HandlerRoutes.answered(directory.jobLock(), "read the job lock"),
            active -> complete(Json.response(StatusCodes.OK, render(active)))))),
        put(() -> admin(caller -> withSizeLimit(settings.maxBody(), () ->
            entity(Unmarshaller.entityToByteArray(), body -> {
              boolean active = parse(body);
              return onSuccess(HandlerRoutes.answered(directory.setJobLock(active, caller.name()),
                  active ? "turn the job lock on" : "turn the job lock off"), now -> {
                log.info("{} turned the job lock {}", caller.name(), now ? "on: no handler starts new jobs" : "off");
                return complete(Json.response(StatusCodes.OK, render(now)));
              });
            }))))));
  }

  private Route admin(Function<Caller, Route> inner) {
    return auth.authenticated(caller -> auth.admin(caller, () -> inner.apply(caller)));
  }

  /** {@code {"active": true|false}}, nothing else. */
  static boolean parse(byte[] body) {
    ObjectNode object = Json.readObject(body, List.of("active"));
    JsonNode active = object.get("active");
    if (active == null) {
      throw ApiException.malformed("field 'active' is required: {\"active\": true} or {\"active\": false}");
    }
    if (!active.isBoolean()) {
      throw ApiException.malformed("field 'active' must be true or false, got " + Json.kind(active));
    }
    return active.booleanValue();
  }

  private static ObjectNode render(boolean active) {
    return Json.object().put("active", active);
  }
}
