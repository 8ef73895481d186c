package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.galley.web.HttpApiFixture.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.galley.web.http.Json;
import org.galley.web.jobs.IdempotencyKey;

/** Idempotency-Key on POST /api/jobs over real HTTP and PostgreSQL: a retry never makes a second job. */
class IdempotencyKeyIT extends RunningWebNode {
  String alice;
  String bob;

  @BeforeAll
  void createUsers() {
    alice = api.newUser(ADMIN_KEY, "idem-alice");
    bob = api.newUser(ADMIN_KEY, "idem-bob");
  }

  static String body(String text) {
    ObjectNode inputs = Json.object().put("text", text);
    return Json.object().put("tool_id", "sort_lines").set("inputs", inputs).toString();
  }

  Reply post(String userKey, String idempotencyKey, String body) {
    return api.send("POST", "/api/jobs", userKey, BodyPublishers.ofString(body), idempotencyKey);
  }

  @Test
  void aRetryWithTheSameKeyAnswersTheFirstJobAndWritesNothing() {
    String key = UUID.randomUUID().toString();
    Reply first = post(alice, key, body("b\na"));
    assertEquals(201, first.status(), first.body());
    assertTrue(first.headers().firstValue(IdempotencyKey.REPLAYED_HEADER).isEmpty());
    long jobs = api.count("job");
    Reply retry = post(alice, key, body("b\na"));
    assertEquals(201, retry.status(), retry.body());
    assertEquals(first.json().get("id"), retry.json().get("id"));
    assertEquals("true", retry.headers().firstValue(IdempotencyKey.REPLAYED_HEADER).orElse(""));
    assertEquals(jobs, api.count("job"));
  }

  @Test
  void aBatchRetryAnswersTheSameListInOrder() {
    String key = UUID.randomUUID().toString();
    String batch = "[" + body("1") + "," + body("2") + "," + body("3") + "]";
    Reply first = post(alice, key, batch);
    assertEquals(201, first.status(), first.body());
    Reply retry = post(alice, key, batch);
    assertEquals(201, retry.status(), retry.body());
    assertEquals(HttpApiIT.ids(first.json()), HttpApiIT.ids(retry.json()));
    assertEquals(3, retry.json().size());
  }

  @Test
  void aKeyIsKeptForADayAndThenForgotten() throws Exception {
    String key = UUID.randomUUID().toString();
    Reply first = post(alice, key, body("old"));
    assertEquals(201, first.status(), first.body());
    age(key, "23 hours 59 minutes");
    assertEquals(first.json().get("id"), post(alice, key, body("old")).json().get("id"), "still kept");
    age(key, "24 hours 1 minute");
    Reply later = post(alice, key, body("old"));
    assertEquals(201, later.status(), later.body());
    assertTrue(later.json().get("id").asLong() > first.json().get("id").asLong(), "a new job after expiry");
    assertTrue(later.headers().firstValue(IdempotencyKey.REPLAYED_HEADER).isEmpty());
  }

  /** Backdates the key's row as if it had been written {@code age} ago. */
  void age(String key, String age) throws Exception {
    try (var c = db.dataSource().getConnection();
        var ps = c.prepareStatement("UPDATE idempotency_key SET create_time = now() - ?::interval WHERE key = ?")) {
      ps.setString(1, age);
      ps.setString(2, key);
      assertEquals(1, ps.executeUpdate());
    }
  }

  @Test
  void keysArePerUser() {
    String key = UUID.randomUUID().toString();
    Reply a = post(alice, key, body("x"));
    Reply b = post(bob, key, body("x"));
    assertEquals(201, a.status(), a.body());
    assertEquals(201, b.status(), b.body());
    assertTrue(a.json().get("id").asLong() != b.json().get("id").asLong());
  }

  @Test
  void concurrentRetriesWithOneKeyMakeOneJob() throws Exception {
    String key = UUID.randomUUID().toString();
    long before = api.count("job");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        replies.add(CompletableFuture.supplyAsync(() -> post(alice, key, body("same")), pool));
      }
      Set<Long> ids = new HashSet<>();
      for (CompletableFuture<Reply> r : replies) {
        Reply reply = r.get();
        assertEquals(201, reply.status(), reply.body());
        ids.add(reply.json().get("id").asLong());
      }
      assertEquals(1, ids.size(), "ids answered: " + ids);
      assertEquals(before + 1, api.count("job"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aKeyReusedForAnotherBodyIsRefusedAndWritesNothing() {
    String key = UUID.randomUUID().toString();
    assertEquals(201, post(alice, key, body("one")).status());
    api.writesNothing(() -> post(alice, key, body("two"))).isError(422, "was used for another request");
  }

  @Test
  void invalidKeysAndInvalidInputWriteNothing() {
    api.writesNothing(() -> post(alice, "x".repeat(256), body("a"))).isError(400, "Idempotency-Key");
    api.writesNothing(() -> post(alice, "with space", body("a"))).isError(400, "visible ASCII");
    String key = UUID.randomUUID().toString();
    api.writesNothing(() -> post(alice, key, "{\"tool_id\": \"nope\", \"inputs\": {}}")).isError(400, "unknown tool");
    assertEquals(0, count("SELECT count(*) FROM idempotency_key WHERE key = '" + key + "'"));
    // The key of a refused request stays free: the corrected request is written.
    Reply ok = post(alice, key, body("a"));
    assertEquals(201, ok.status(), ok.body());
  }

  long count(String sql) {
    try (var c = db.dataSource().getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
