package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A web node and a handler that share no file system, as on two machines: the handler runs in a
 * mount namespace of its own with a private tmpfs over its jobs directory, so the web node, reading
 * the working directory's path from the job row, finds an empty folder there. The outputs of an
 * ended job still come through the API, from what the handler kept in the database; a job with
 * empty outputs keeps no row; a running job's output is empty until it ends (documented).
 */
class OutputWithoutSharedFilesIT {
  static TestCluster cluster;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "the handler's private file system needs unshare --mount (root, as in CI)");
    cluster = TestCluster.create("no-shared-files");
    cluster.addTools("outputs.conf", """
        tools = [
          { id = both_outputs, version = "1", argv = ["sh", "-c", "echo \\"out $1\\"; echo \\"err $1\\" >&2", "x", "${word}"],
            parameters = [ { name = word, type = text, required = true, pattern = "[a-z]{1,20}" } ] }
          { id = speak_then_wait, version = "1", argv = ["sh", "-c", "echo started; sleep 60"], parameters = [] }
        ]
        """);
    api = cluster.startWeb("web0");
    cluster.startHandlerWithOwnFiles("h1", "default", 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anEndedJobsOutputsComeFromTheDatabaseWhenTheWebNodeCannotSeeItsDirectory() throws Exception {
    long id = api.submit("both_outputs", "{\"word\": \"hello\"}");
    var job = api.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(60));
    assertEquals("ok", job.get("state").asText(), job.toString());
    Path dir = Path.of(job.get("working_directory").asText());
    assertFalse(Files.exists(dir.resolve("stdout")), "the web node's side must not see the handler's files: " + dir);

    assertEquals("out hello\n", api.get("/api/jobs/" + id + "/stdout").body());
    assertEquals("err hello\n", api.get("/api/jobs/" + id + "/stderr").body());
    var full = api.get("/api/jobs/" + id + "?full=true").json();
    assertEquals("out hello\n", full.get("stdout").asText());
    assertEquals("err hello\n", full.get("tool_stderr").asText());
  }

  @Test
  void aJobWithEmptyOutputsKeepsNoRow() throws Exception {
    long id = api.submit("true", "{}");
    assertEquals("ok", api.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(60)).get("state").asText());
    assertEquals(0, rowsOf(id));
    assertEquals("", api.get("/api/jobs/" + id + "/stdout").body());
  }

  @Test
  void aRunningJobsOutputIsEmptyUntilItEndsWhenTheDirectoryIsNotShared() throws Exception {
    long id = api.submit("speak_then_wait", "{}");
    api.awaitJob(id, inState("running"), Duration.ofSeconds(60));
    assertEquals("", api.get("/api/jobs/" + id + "/stdout").body());
    assertEquals(200, api.delete("/api/jobs/" + id).status());
    api.awaitJob(id, inState("deleted", "error"), Duration.ofSeconds(60));
    assertEquals("started\n", api.get("/api/jobs/" + id + "/stdout").body(), "a cancelled job's output is kept too");
  }

  private static long rowsOf(long id) throws Exception {
    try (Connection c = cluster.database().connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM job_output WHERE job_id = " + id)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
