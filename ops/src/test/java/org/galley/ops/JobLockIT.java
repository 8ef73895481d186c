package org.galley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.galley.core.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The admin job lock on a real node with a real handler and real job processes: bad requests
 * change nothing, the lock stops new jobs while a running one finishes, it survives a restart of
 * the node, lifting it lets the waiting job run, and each change is an event of the audit trail.
 */
class JobLockIT {
  /** How long a job must stay {@code new} to count as not started: dispatch normally takes milliseconds. */
  private static final Duration NOT_STARTED_FOR = Duration.ofSeconds(2);

  @Test
  void theLockHoldsNewJobsLetsRunningOnesEndAndSurvivesARestart() throws Exception {
    String url = TestDatabase.freshUrl();
    long waiting;
    try (InProcessNode node = InProcessNode.start("lock-it", url, "")) {
      String api = node.api();
      assertEquals("{\"active\":false}", InProcessNode.get(api + "/api/job_lock").body());

      // Bad requests: 4xx naming the problem, nothing changed.
      assertBad(api, "{\"active\": \"yes\"}", "'active' must be true or false");
      assertBad(api, "{}", "field 'active' is required");
      assertBad(api, "{\"active\": true, \"reason\": \"x\"}", "unknown field 'reason'");
      assertBad(api, "not json", "not valid JSON");
      var alice = InProcessNode.send("POST", api + "/api/users", "{\"name\": \"alice\"}");
      String aliceKey = alice.body().replaceAll("(?s).*\"key\"\\s*:\\s*\"([^\"]+)\".*", "$1");
      var asUser = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(api + "/api/job_lock")).header("x-api-key", aliceKey)
              .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"active\": true}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(403, asUser.statusCode(), asUser.body());
      assertEquals("{\"active\":false}", InProcessNode.get(api + "/api/job_lock").body(), "nothing changed");

      long running = submit(api, "sleep", "{\"seconds\": 2}");
      awaitState(api, running, "running", Duration.ofSeconds(30));
      var on = InProcessNode.send("PUT", api + "/api/job_lock", "{\"active\": true}");
      assertEquals(200, on.statusCode(), on.body());
      assertEquals("{\"active\":true}", on.body());

      waiting = submit(api, "sort_lines", "{\"text\": \"b\\na\"}");
      assertStaysNew(api, waiting);
      awaitState(api, running, "ok", Duration.ofSeconds(30)); // the running job went on
      assertEquals("new", state(api, waiting));
    }

    try (InProcessNode node = InProcessNode.start("lock-it", url, "")) {
      String api = node.api();
      assertEquals("{\"active\":true}", InProcessNode.get(api + "/api/job_lock").body(), "the lock survived the restart");
      InProcessNode.await("the handler is live again", Duration.ofSeconds(30),
          () -> body(api + "/api/handlers").contains("\"name\":\"lock-it\""));
      assertStaysNew(api, waiting);

      var off = InProcessNode.send("PUT", api + "/api/job_lock", "{\"active\": false}");
      assertEquals("{\"active\":false}", off.body());
      awaitState(api, waiting, "ok", Duration.ofSeconds(30));
    }

    try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM event_journal WHERE persistence_id = 'galley-drains'"
            + " AND event_ser_manifest LIKE '%JobLockChanged'")) {
      rs.next();
      assertEquals(2, rs.getInt(1), "on and off, one event each in the audit trail; refused requests none");
    }
  }

  private static void assertBad(String api, String body, String says) throws Exception {
    var r = InProcessNode.send("PUT", api + "/api/job_lock", body);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains(says), r.body());
  }

  private static void assertStaysNew(String api, long id) throws InterruptedException {
    Instant until = Instant.now().plus(NOT_STARTED_FOR);
    while (Instant.now().isBefore(until)) {
      assertEquals("new", state(api, id), "job " + id + " started under the job lock");
      Thread.sleep(100);
    }
  }

  private static long submit(String api, String tool, String inputs) throws Exception {
    var r = InProcessNode.send("POST", api + "/api/jobs", "{\"tool_id\": \"" + tool + "\", \"inputs\": " + inputs + "}");
    assertEquals(201, r.statusCode(), r.body());
    return Long.parseLong(r.body().replaceAll("(?s).*?\"id\"\\s*:\\s*(\\d+).*", "$1"));
  }

  private static void awaitState(String api, long id, String state, Duration within) throws InterruptedException {
    InProcessNode.await("job " + id + " " + state, within, () -> state.equals(state(api, id)));
  }

  private static String state(String api, long id) {
    return body(api + "/api/jobs/" + id).replaceAll("(?s).*\"state\"\\s*:\\s*\"([a-z]+)\".*", "$1");
  }

  private static String body(String url) {
    try {
      return InProcessNode.get(url).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
