package org.galley.web;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * API keys as Galaxy takes them: header {@code x-api-key} or query parameter {@code key}. No key
 * is 401, an unknown key 403. The admin key is checked in memory; user keys cost one indexed
 * lookup by hash on the blocking dispatcher.
 */
final class Auth extends AllDirectives {
  static final String HEADER = "x-api-key";
  static final String QUERY_PARAMETER = "key";

  private final String adminKeyHash;
  private final UserStore users;
  private final Blocking blocking;

  Auth(String adminKey, UserStore users, Blocking blocking) {
    if (adminKey == null || adminKey.isBlank()) {
      throw new IllegalArgumentException("the admin key must not be empty");
    }
    this.adminKeyHash = ApiKeys.hash(adminKey);
    this.users = users;
    this.blocking = blocking;
  }

  /** Runs {@code inner} for the caller the request's key belongs to. */
  Route authenticated(Function<Caller, Route> inner) {
    return optionalHeaderValueByName(HEADER, header ->
        parameterOptional(QUERY_PARAMETER, query -> {
          Optional<String> key = header.filter(h -> !h.isBlank()).or(() -> query.filter(q -> !q.isBlank()));
          if (key.isEmpty()) {
            throw new ApiException(ErrorCode.NO_KEY,
                "an API key is required: send it in header " + HEADER + " or as ?" + QUERY_PARAMETER + "=");
          }
          return onSuccess(resolve(key.get().trim()), inner);
        }));
  }

  /** Runs {@code inner} only for admins. */
  Route admin(Caller caller, Supplier<Route> inner) {
    if (!caller.admin()) {
      throw new ApiException(ErrorCode.ADMIN_REQUIRED, "this needs an admin key");
    }
    return inner.get();
  }

  CompletionStage<Caller> resolve(String key) {
    String hash = ApiKeys.hash(key);
    if (ApiKeys.sameHash(hash, adminKeyHash)) {
      return CompletableFuture.completedFuture(new Caller(Caller.ADMIN_NAME, true));
    }
    return blocking.call(() -> users.findByKeyHash(hash)
        .map(Caller::of)
        .orElseThrow(() -> new ApiException(ErrorCode.BAD_KEY, "the API key is not valid")));
  }
}
