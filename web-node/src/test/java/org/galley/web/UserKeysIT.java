package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.galley.web.HttpApiFixture.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.galley.web.http.Json;

/**
 * Key lifecycle over HTTP on two web nodes sharing one database: a revoked or rotated key, or a
 * disabled user, is refused at once by the other node too (no cache anywhere), and bad requests
 * change nothing.
 */
class UserKeysIT extends RunningWebNode {
  HttpApiFixture other;

  @BeforeAll
  void startSecondNode() throws Exception {
    ServerBinding second = startAnother();
    other = new HttpApiFixture("http://127.0.0.1:" + second.localAddress().getPort(), db.dataSource());
  }

  private static int status(Reply r) {
    return r.status();
  }

  @Test
  void aRotatedKeyIsRefusedAtOnceOnEveryNodeAndTheNewOneWorks() {
    String old = api.newUser(ADMIN_KEY, "rota");
    assertEquals(200, status(other.get("/api/jobs", old)));
    Reply rotated = api.post("/api/users/rota/key", ADMIN_KEY, "");
    assertEquals(200, rotated.status(), rotated.body());
    String fresh = rotated.json().get("key").asText();
    assertNotEquals(old, fresh);
    other.get("/api/jobs", old).isError(403, "not valid");
    api.get("/api/jobs", old).isError(403, "not valid");
    assertEquals(200, status(other.get("/api/jobs", fresh)));
  }

  @Test
  void aUserRotatesAndRevokesItsOwnKey() {
    String key = api.newUser(ADMIN_KEY, "selfie");
    Reply rotated = api.post("/api/users/selfie/key", key, "{}");
    assertEquals(200, rotated.status(), rotated.body());
    String fresh = rotated.json().get("key").asText();
    Reply revoked = api.delete("/api/users/selfie/key", fresh);
    assertEquals(200, revoked.status(), revoked.body());
    assertFalse(revoked.json().get("has_key").asBoolean());
    assertFalse(revoked.body().contains("key\":\""), "no key in " + revoked.body());
    other.get("/api/jobs", fresh).isError(403, "not valid");
    // The admin gives it a key again.
    Reply again = api.post("/api/users/selfie/key", ADMIN_KEY, "");
    assertEquals(200, status(other.get("/api/jobs", again.json().get("key").asText())));
  }

  @Test
  void aRevokedKeyIsRefusedAtOnceOnTheOtherNode() {
    String key = api.newUser(ADMIN_KEY, "gone");
    assertEquals(200, status(other.get("/api/jobs", key)));
    assertEquals(200, status(api.delete("/api/users/gone/key", ADMIN_KEY)));
    other.get("/api/jobs", key).isError(403, "not valid");
    other.get("/api/jobs?key=" + key, null).isError(403, "not valid");
  }

  @Test
  void aDisabledUserIsRefusedEverywhereUntilEnabledAndKeepsItsJobs() {
    String key = api.newUser(ADMIN_KEY, "sleepy");
    Reply job = api.submit(key, "sort_lines", Json.object().put("text", "b\na"));
    assertEquals(201, job.status(), job.body());
    Reply disabled = api.post("/api/users/sleepy/disable", ADMIN_KEY, "");
    assertEquals(200, disabled.status(), disabled.body());
    assertTrue(disabled.json().get("disabled").asBoolean());
    other.get("/api/jobs", key).isError(403, "user 'sleepy' is disabled");
    api.submit(key, "sort_lines", Json.object().put("text", "x")).isError(403, "disabled");
    assertEquals(200, status(other.post("/api/users/sleepy/enable", ADMIN_KEY, "")));
    Reply jobs = other.get("/api/jobs", key);
    assertEquals(200, jobs.status(), jobs.body());
    assertEquals(job.json().get("id").asLong(), jobs.json().get(0).get("id").asLong());
  }

  @Test
  void theAdminListsUsersWithoutKeysOrHashes() {
    api.newUser(ADMIN_KEY, "listed");
    Reply list = other.get("/api/users", ADMIN_KEY);
    assertEquals(200, list.status(), list.body());
    List<String> names = new ArrayList<>();
    for (JsonNode u : list.json().get("users")) {
      names.add(u.get("name").asText());
      assertTrue(u.has("has_key") && u.has("disabled") && u.has("is_admin") && u.has("create_time"), u.toString());
      assertFalse(u.has("key") || u.has("key_hash"), u.toString());
    }
    assertTrue(names.contains("listed"), names.toString());
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(null);
    assertEquals(sorted, names);
  }

  @Test
  void usersCannotManageOthersAndBadRequestsChangeNothing() {
    String mallory = api.newUser(ADMIN_KEY, "mallory");
    String victim = api.newUser(ADMIN_KEY, "victim");
    api.writesNothing(() -> api.post("/api/users/victim/key", mallory, "")).isError(403, "only an admin");
    api.writesNothing(() -> api.delete("/api/users/victim/key", mallory)).isError(403, "only an admin");
    api.writesNothing(() -> api.post("/api/users/victim/disable", mallory, "")).isError(403, "admin");
    api.writesNothing(() -> api.get("/api/users", mallory)).isError(403, "admin");
    api.writesNothing(() -> api.post("/api/users/nobody/key", ADMIN_KEY, "")).isError(404, "no user named 'nobody'");
    api.writesNothing(() -> api.post("/api/users/nobody/disable", ADMIN_KEY, "")).isError(404, "nobody");
    api.writesNothing(() -> api.post("/api/users/bad%20name/key", ADMIN_KEY, "")).isError(400, "user name");
    api.writesNothing(() -> api.post("/api/users/admin/key", ADMIN_KEY, "")).isError(400, "galley admin-key rotate");
    api.writesNothing(() -> api.post("/api/users/victim/key", ADMIN_KEY, "{\"reason\": 1}")).isError(400, "no body");
    api.writesNothing(() -> api.post("/api/users/victim/key", null, "")).isError(401, "API key");
    assertEquals(200, status(api.get("/api/jobs", victim)), "the victim's key still works");
    assertEquals(200, status(api.get("/api/jobs", mallory)));
  }
}
