package org.galley.web.auth;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.galley.web.WebSettings;
import org.galley.web.cluster.HandlerRoutes;
import org.galley.web.http.ApiException;
import org.galley.web.http.Blocking;
import org.galley.web.http.ErrorCode;
import org.galley.web.http.Json;

/**
 * Users and their keys. {@code POST /api/users} (admin) adds a user and answers with its key, the
 * one time the key is ever shown; the table keeps only its hash. {@code GET /api/users} (admin)
 * lists them. {@code POST /api/users/{name}/key} rotates a key and {@code DELETE} revokes it (the
 * user itself or an admin); {@code POST .../disable} and {@code .../enable} (admin) refuse or
 * accept a user whatever key it sends, keeping its jobs. Every web node reads the user on every
 * request, so a change holds on all of them at once.
 */
public final class UserRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(UserRoutes.class);
  /** Names show up in job rows, logs and URLs: keep them plain. */
  private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}";
  private static final String NAME_RULE =
      "use letters, digits, '_', '.', '@' and '-', at most 100, starting with a letter or digit";
  private static final List<String> FIELDS = List.of("name", "is_admin");

  private final WebSettings settings;
  private final Auth auth;
  private final Blocking blocking;
  private final UserStore users;

  public UserRoutes(WebSettings settings, Auth auth, Blocking blocking, UserStore users) {
    this.settings = settings;
    this.auth = auth;
    this.blocking = blocking;
    this.users = users;
  }

  public Route route() {
    return concat(
        path("users", () -> concat(
            post(() -> auth.authenticated(caller -> auth.admin(caller, this::create))),
            get(() -> auth.authenticated(caller -> auth.admin(caller, this::list))))),
        path(segment("users").slash(segment()).slash("key"), name -> concat(
            post(() -> auth.authenticated(caller -> selfOrAdmin(caller, name, () -> rotate(caller, name)))),
            delete(() -> auth.authenticated(caller -> selfOrAdmin(caller, name, () -> revoke(caller, name)))))),
        path(segment("users").slash(segment()).slash("disable"), name ->
            post(() -> auth.authenticated(caller -> auth.admin(caller, () -> disable(caller, name, true))))),
        path(segment("users").slash(segment()).slash("enable"), name ->
            post(() -> auth.authenticated(caller -> auth.admin(caller, () -> disable(caller, name, false))))));
  }

  private Route create() {
    return withSizeLimit(settings.maxBody(), () ->
        entity(Unmarshaller.entityToByteArray(), body -> {
          ObjectNode request = Json.readObject(body, FIELDS);
          String name = name(request.get("name"));
          boolean admin = isAdmin(request.get("is_admin"));
          String key = ApiKeys.generate();
          return onSuccess(blocking.call(() -> users.create(name, ApiKeys.hash(key), admin)
              .orElseThrow(() -> taken(name))),
              user -> complete(Json.response(StatusCodes.CREATED, UserJson.renderWithKey(user, key))));
        }));
  }

  private Route list() {
    return onSuccess(blocking.call(users::list), all -> complete(Json.response(StatusCodes.OK, UserJson.renderList(all))));
  }

  private Route rotate(Caller caller, String name) {
    String key = ApiKeys.generate();
    return changed(caller, name, "rotated the key of", () -> users.setKeyHash(name, ApiKeys.hash(key)),
        user -> UserJson.renderWithKey(user, key));
  }

  private Route revoke(Caller caller, String name) {
    return changed(caller, name, "revoked the key of", () -> users.setKeyHash(name, null), UserJson::render);
  }

  private Route disable(Caller caller, String name, boolean disabled) {
    userName(name);
    return changed(caller, name, disabled ? "disabled" : "enabled", () -> users.setDisabled(name, disabled),
        UserJson::render);
  }

  /** The routes of one user take no body, like drain: anything but nothing or {} is refused. */
  private Route changed(Caller caller, String name, String what, Supplier<Optional<ApiUser>> change,
      java.util.function.Function<ApiUser, ObjectNode> render) {
    return withSizeLimit(settings.maxBody(), () ->
        entity(Unmarshaller.entityToByteArray(), body -> {
          HandlerRoutes.requireNoBody(body);
          return onSuccess(blocking.call(() -> change.get().orElseThrow(
              () -> ApiException.notFound("no user named '" + name + "'"))), user -> {
                log.info("{} {} user {}", caller.name(), what, user.name());
                return complete(Json.response(StatusCodes.OK, render.apply(user)));
              });
        }));
  }

  /** A user manages its own key; an admin any user's. The admin key itself is the CLI's to rotate. */
  private Route selfOrAdmin(Caller caller, String name, Supplier<Route> inner) {
    userName(name);
    if (!caller.admin() && !caller.name().equals(name)) {
      throw new ApiException(ErrorCode.ADMIN_REQUIRED, "only an admin manages another user's key");
    }
    return inner.get();
  }

  /** Checks a name from the path; {@code admin} is the configured admin key, not a row. */
  private static String userName(String name) {
    if (!name.matches(NAME_PATTERN)) {
      String shown = name.length() > 100 ? name.substring(0, 100) + "..." : name;
      throw new ApiException(ErrorCode.INVALID_USER_NAME, "user name '" + shown + "': " + NAME_RULE);
    }
    if (name.equals(Caller.ADMIN_NAME)) {
      throw new ApiException(ErrorCode.INVALID_USER_NAME,
          "'admin' is the configured admin key, not a user: rotate it with `galley admin-key rotate`");
    }
    return name;
  }

  private static String name(JsonNode name) {
    if (name == null || name.isNull()) {
      throw ApiException.malformed("name is missing");
    }
    if (!name.isTextual()) {
      throw ApiException.malformed("name must be a string, got " + Json.kind(name));
    }
    if (!name.asText().matches(NAME_PATTERN)) {
      throw ApiException.malformed("name: " + NAME_RULE);
    }
    // The admin key acts as this user; a user of that name would share its jobs.
    if (name.asText().equals(Caller.ADMIN_NAME)) {
      throw taken(name.asText());
    }
    return name.asText();
  }

  private static boolean isAdmin(JsonNode isAdmin) {
    if (isAdmin == null || isAdmin.isNull()) {
      return false;
    }
    if (!isAdmin.isBoolean()) {
      throw ApiException.malformed("is_admin must be true or false, got " + Json.kind(isAdmin));
    }
    return isAdmin.asBoolean();
  }

  private static ApiException taken(String name) {
    return new ApiException(ErrorCode.CONFLICT, "name: a user named '" + name + "' exists");
  }
}
