package org.galley.web.auth;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.galley.web.edge.AccessLog;
import org.galley.web.edge.TokenBuckets;
import org.galley.web.http.ApiException;
import org.galley.web.http.Blocking;
import org.galley.web.http.ErrorCode;

/**
 * API keys as Galaxy takes them: header {@code x-api-key} or query parameter {@code key}. No key
 * is 401, an unknown key 403, a disabled user's key 403. The admin key is checked in memory; user
 * keys cost one indexed lookup by hash on the blocking dispatcher, on every request, so a revoked
 * or rotated key is refused at once. A client address whose keys failed too often
 * ({@code galley.limits.auth-failures-per-minute}) gets 429 with {@code Retry-After} for every
 * key, the right one included, until its budget refills: guessing keys gets nowhere.
 */
public final class Auth extends AllDirectives {
  public static final String HEADER = "x-api-key";
  static final String QUERY_PARAMETER = "key";

  private final AdminKeys adminKeys;
  private final UserStore users;
  private final Blocking blocking;
  private final TokenBuckets failures;

  public Auth(AdminKeys adminKeys, UserStore users, Blocking blocking, TokenBuckets failures) {
    this.adminKeys = adminKeys;
    this.users = users;
    this.blocking = blocking;
    this.failures = failures;
  }

  /** Runs {@code inner} for the caller the request's key belongs to. */
  public Route authenticated(Function<Caller, Route> inner) {
    return optionalAttribute(AccessLog.ENTRY, entry -> optionalHeaderValueByName(HEADER, header ->
        parameterOptional(QUERY_PARAMETER, query -> {
          Optional<String> key = header.filter(h -> !h.isBlank()).or(() -> query.filter(q -> !q.isBlank()));
          if (key.isEmpty()) {
            throw new ApiException(ErrorCode.NO_KEY,
                "an API key is required: send it in header " + HEADER + " or as ?" + QUERY_PARAMETER + "=");
          }
          String client = entry.map(AccessLog.Entry::client).orElse("-");
          long wait = failures.waitFor(client);
          if (wait > 0) {
            throw tooManyFailures(wait);
          }
          return onSuccess(resolve(key.get().trim(), client), caller -> {
            entry.ifPresent(e -> e.user(caller.name()));
            return inner.apply(caller);
          });
        })));
  }

  /** Runs {@code inner} only for admins. */
  public Route admin(Caller caller, Supplier<Route> inner) {
    if (!caller.admin()) {
      throw new ApiException(ErrorCode.ADMIN_REQUIRED, "this needs an admin key");
    }
    return inner.get();
  }

  CompletionStage<Caller> resolve(String key, String client) {
    String hash = ApiKeys.hash(key);
    if (adminKeys.matches(hash)) {
      return CompletableFuture.completedFuture(new Caller(Caller.ADMIN_NAME, true));
    }
    return blocking.call(() -> {
      ApiUser user = users.findByKeyHash(hash).orElseThrow(() -> {
        long wait = failures.take(client);
        return wait > 0 ? tooManyFailures(wait) : new ApiException(ErrorCode.BAD_KEY, "the API key is not valid");
      });
      if (user.disabled()) {
        throw new ApiException(ErrorCode.USER_DISABLED, "user '" + user.name() + "' is disabled");
      }
      return Caller.of(user);
    });
  }

  private static ApiException tooManyFailures(long waitSeconds) {
    return new ApiException(ErrorCode.AUTH_FAILURES,
        "too many failed authentications from this address; retry after " + waitSeconds + " s", waitSeconds);
  }
}
