package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.galley.web.HttpApiFixture.Reply;
import org.galley.web.edge.EdgeSettings;
import org.galley.web.edge.TlsSettings;
import org.galley.web.edge.TrustedProxies;
import org.junit.jupiter.api.Test;
import org.galley.web.auth.Auth;

/**
 * Rate limits against abuse: failed authentications per client address, submissions per user.
 * The node trusts 127.0.0.1 as a proxy, so each test speaks for its own client address through
 * {@code X-Forwarded-For} and the tests do not share a budget.
 */
class AbuseLimitsIT extends RunningWebNode {
  static final int FAILURES = 3;

  @Override
  EdgeSettings edge() {
    return new EdgeSettings(TlsSettings.NONE, TrustedProxies.of(List.of("127.0.0.1")), -1, 1, FAILURES);
  }

  private Reply jobsFrom(String client, String key) {
    return api.sendWithHeaders("GET", "/api/jobs", null, Auth.HEADER, key, "X-Forwarded-For", client);
  }

  private Reply submitFrom(String client, String key) {
    return api.sendWithHeaders("POST", "/api/jobs", "{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"b\"}}",
        Auth.HEADER, key, "X-Forwarded-For", client, "content-type", "application/json");
  }

  @Test
  void anAddressThatGuessesKeysGets429WithRetryAfterEvenForTheRightKey() {
    String key = api.newUser(ADMIN_KEY, "guarded");
    for (int i = 0; i < FAILURES; i++) {
      jobsFrom("198.51.100.7", "guess-" + i).isError(403, "not valid");
    }
    Reply limited = jobsFrom("198.51.100.7", "guess-more").isError(429, "too many failed authentications");
    long retryAfter = Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    jobsFrom("198.51.100.7", key).isError(429, "too many");
    jobsFrom("198.51.100.7", ADMIN_KEY).isError(429, "too many");
    // Another client is not affected, nor is the right key once the budget refilled (20 s a failure).
    assertEquals(200, jobsFrom("198.51.100.8", key).status());
  }

  @Test
  void missingKeysAndRightKeysDoNotCountAsFailures() {
    String key = api.newUser(ADMIN_KEY, "honest");
    for (int i = 0; i < FAILURES * 3; i++) {
      api.sendWithHeaders("GET", "/api/jobs", null, "X-Forwarded-For", "198.51.100.20").isError(401, "API key");
      assertEquals(200, jobsFrom("198.51.100.20", key).status());
    }
  }

  @Test
  void aUserOverItsSubmitRateGets429AndNothingIsWrittenWhileOthersSubmit() {
    String fast = api.newUser(ADMIN_KEY, "fast");
    String calm = api.newUser(ADMIN_KEY, "calm");
    assertEquals(201, submitFrom("198.51.100.30", fast).status());
    Reply limited = api.writesNothing(() -> submitFrom("198.51.100.31", fast));
    limited.isError(429, "galley.limits.user-submit-rate");
    assertEquals("1", limited.headers().firstValue("retry-after").orElseThrow());
    assertEquals(201, submitFrom("198.51.100.30", calm).status(), "another user is not held back");
    // One per second: within a few seconds the same user submits again.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Reply r;
    do {
      r = submitFrom("198.51.100.30", fast);
    } while (r.status() == 429 && System.nanoTime() < deadline);
    assertEquals(201, r.status(), r.body());
  }
}
