package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.galley.core.db.Database;
import org.galley.core.job.JobStore;
import org.galley.core.settings.NodeSettings;
import org.galley.core.testing.TestDatabase;
import org.galley.web.HttpApiFixture.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every way a request can be refused: each answers JSON with the right status and a message that
 * names what is wrong, writes no row, and leaves the node serving.
 */
class HttpApiErrorsIT extends RunningWebNode {
  static final String SORT = "{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"b\\na\"}}";
  String alice;

  @BeforeAll
  void createUser() {
    alice = api.newUser(ADMIN_KEY, "alice");
  }

  Reply submitRaw(String body) {
    return api.writesNothing(() -> api.post("/api/jobs", alice, body));
  }

  @Test
  void aRequestWithoutAKeyIs401() {
    api.writesNothing(() -> api.post("/api/jobs", null, SORT)).isError(401, "x-api-key");
    api.get("/api/jobs", null).isError(401, "API key is required");
    api.get("/api/tools", "").isError(401, "API key is required");
  }

  @Test
  void aWrongKeyIs403WhereverItIsGiven() {
    api.writesNothing(() -> api.post("/api/jobs", "not-a-key", SORT)).isError(403, "not valid");
    api.get("/api/jobs?key=not-a-key", null).isError(403, "not valid");
  }

  @Test
  void onlyAdminsCreateUsers() {
    api.writesNothing(() -> api.post("/api/users", alice, "{\"name\": \"mallory\"}")).isError(403, "admin");
  }

  @Test
  void aTakenUserNameIs409() {
    api.writesNothing(() -> api.post("/api/users", ADMIN_KEY, "{\"name\": \"alice\"}")).isError(409, "'alice'");
    api.writesNothing(() -> api.post("/api/users", ADMIN_KEY, "{\"name\": \"admin\"}")).isError(409, "'admin'");
  }

  @Test
  void aBadUserRequestIs400NamingTheField() {
    api.writesNothing(() -> api.post("/api/users", ADMIN_KEY, "{}")).isError(400, "name is missing");
    api.writesNothing(() -> api.post("/api/users", ADMIN_KEY, "{\"name\": \"a b\"}")).isError(400, "name:");
    api.writesNothing(() -> api.post("/api/users", ADMIN_KEY, "{\"name\": \"x\", \"is_admin\": \"yes\"}"))
        .isError(400, "is_admin");
  }

  @Test
  void anUnknownToolIs400NamingToolId() {
    submitRaw("{\"tool_id\": \"rm_rf\", \"inputs\": {}}").isError(400, "tool_id: unknown tool 'rm_rf'");
  }

  @Test
  void aBadParameterIs400NamingIt() {
    submitRaw("{\"tool_id\": \"sort_lines\", \"inputs\": {}}").isError(400, "text");
    submitRaw("{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"a\", \"bogus\": 1}}").isError(400, "bogus");
    submitRaw("{\"tool_id\": \"sleep\", \"inputs\": {\"seconds\": \"soon\"}}").isError(400, "seconds");
  }

  @Test
  void malformedJsonIs400() {
    submitRaw("{\"tool_id\": \"sort_lines\", ").isError(400, "not valid JSON");
    submitRaw("").isError(400, "empty");
  }

  @Test
  void aBodyThatIsNotAnObjectOrAListOfObjectsIs400() {
    // A list is a batch submit; each of its elements must be a job object.
    submitRaw("[\"sort_lines\"]").isError(400, "[0]: each job must be a JSON object, got a string");
    submitRaw("\"sort_lines\"").isError(400, "must be a JSON object, got a string");
  }

  @Test
  void aMissingOrMistypedToolIdIs400() {
    submitRaw("{\"inputs\": {}}").isError(400, "tool_id is missing");
    submitRaw("{\"tool_id\": [1], \"inputs\": {}}").isError(400, "tool_id must be a string");
  }

  @Test
  void inputsThatAreNotAnObjectAre400() {
    submitRaw("{\"tool_id\": \"sort_lines\", \"inputs\": \"text=a\"}").isError(400, "inputs must be a JSON object");
  }

  /** A well-formed request whose one text input alone is over the limit: it is the size that is refused. */
  static byte[] hugeSubmission(long limit) {
    String text = "x".repeat((int) limit + 1024);
    return ("{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"" + text + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBodyOverTheLimitIs413() {
    byte[] body = hugeSubmission(WebSettings.fromConfig(config).maxBody());
    api.writesNothing(() -> api.send("POST", "/api/jobs", alice, BodyPublishers.ofByteArray(body)))
        .isError(413, "larger than");
  }

  @Test
  void aChunkedBodyOverTheLimitIs413() {
    byte[] body = hugeSubmission(WebSettings.fromConfig(config).maxBody());
    // Without a length the client sends chunks, so the limit must cut the stream, not the header.
    api.writesNothing(() -> api.send("POST", "/api/jobs", alice,
        BodyPublishers.fromPublisher(BodyPublishers.ofByteArray(body)))).isError(413, "larger than");
  }

  @Test
  void anUnknownJobOrToolIs404() {
    api.get("/api/jobs/424242424", alice).isError(404, "no job 424242424");
    api.writesNothing(() -> api.delete("/api/jobs/424242424", alice)).isError(404, "no job 424242424");
    api.get("/api/jobs/424242424/stdout", alice).isError(404, "no job 424242424");
    api.get("/api/tools/rm_rf", alice).isError(404, "no tool 'rm_rf'");
  }

  @Test
  void anUnknownPathIs404InJson() {
    api.get("/api/nothing-here", alice).isError(404, "could not be found");
    api.get("/api/jobs/not-a-number", alice).isError(404, "could not be found");
    api.get("/index.php", null).isError(404, "could not be found"); // "/" itself is the dashboard
  }

  @Test
  void aWrongMethodIs405InJson() {
    Reply r = api.writesNothing(() -> api.send("PUT", "/api/jobs", alice, BodyPublishers.ofString(SORT)));
    r.isError(405, "not allowed");
    String allow = r.headers().firstValue("allow").orElse("");
    assertTrue(allow.contains("GET") && allow.contains("POST"), allow);
    api.send("PATCH", "/api/version", null, BodyPublishers.noBody()).isError(405, "not allowed");
  }

  @Test
  void aBadListQueryIs400NamingTheParameter() {
    api.get("/api/jobs?state=done", alice).isError(400, "state: unknown job state 'done'");
    api.get("/api/jobs?limit=lots", alice).isError(400, "limit:");
    api.get("/api/jobs?limit=501", alice).isError(400, "limit:");
    api.get("/api/jobs?offset=-3", alice).isError(400, "offset:");
  }

  @Test
  void aDatabaseFailureIs503AndTheNodeKeepsServing() throws Exception {
    Database broken = TestDatabase.fresh();
    broken.close();
    NodeSettings node = new NodeSettings(Set.of("web"), Set.of("default"), "web-broken", varDir);
    ServerBinding b = WebNode.start(testKit.system(), WebSettings.fromConfig(config), node, broken.dataSource(),
        new JobStore(broken.dataSource()), tools, events, ADMIN_KEY, handlers)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      HttpApiFixture brokenApi = new HttpApiFixture("http://127.0.0.1:" + b.localAddress().getPort(), db.dataSource());
      brokenApi.get("/api/jobs", ADMIN_KEY).isError(503, "unavailable");
      brokenApi.post("/api/jobs", ADMIN_KEY, SORT).isError(503, "unavailable");
      brokenApi.get("/api/jobs/1", "some-user-key").isError(503, "unavailable");
      assertEquals(200, brokenApi.get("/api/version", null).status());
      assertEquals(200, brokenApi.get("/api/tools", ADMIN_KEY).status());
    } finally {
      b.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertEquals(200, api.get("/api/jobs", alice).status(), "the healthy node is untouched");
  }
}
