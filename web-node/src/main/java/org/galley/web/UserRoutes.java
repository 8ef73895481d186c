package org.galley.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code POST /api/users} (admin only): adds a user and answers with its key, the one time the key
 * is ever shown; the table keeps only its hash. A lost key is replaced by a new user, as there is
 * no way to read it back.
 */
final class UserRoutes extends AllDirectives {
  /** Names show up in job rows, logs and URLs: keep them plain. */
  private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}";
  private static final List<String> FIELDS = List.of("name", "is_admin");

  private final WebSettings settings;
  private final Auth auth;
  private final Blocking blocking;
  private final UserStore users;

  UserRoutes(WebSettings settings, Auth auth, Blocking blocking, UserStore users) {
    this.settings = settings;
    this.auth = auth;
    this.blocking = blocking;
    this.users = users;
  }

  Route route() {
    return path("users", () -> post(() -> auth.authenticated(caller -> auth.admin(caller, this::create))));
  }

  private Route create() {
    return withSizeLimit(settings.maxBody(), () ->
        entity(Unmarshaller.entityToByteArray(), body -> {
          ObjectNode request = Json.readObject(body, FIELDS);
          String name = name(request.get("name"));
          boolean admin = isAdmin(request.get("is_admin"));
          String key = ApiKeys.generate();
          return onSuccess(blocking.call(() -> users.create(name, ApiKeys.hash(key), admin)
              .orElseThrow(() -> taken(name))), user -> {
                ObjectNode o = Json.object().put("id", user.id()).put("name", user.name())
                    .put("is_admin", user.admin()).put("key", key);
                return complete(Json.response(StatusCodes.CREATED, o));
              });
        }));
  }

  private static String name(JsonNode name) {
    if (name == null || name.isNull()) {
      throw ApiException.malformed("name is missing");
    }
    if (!name.isTextual()) {
      throw ApiException.malformed("name must be a string, got " + Json.kind(name));
    }
    if (!name.asText().matches(NAME_PATTERN)) {
      throw ApiException.malformed("name: use letters, digits, '_', '.', '@' and '-', at most 100, starting"
          + " with a letter or digit");
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
