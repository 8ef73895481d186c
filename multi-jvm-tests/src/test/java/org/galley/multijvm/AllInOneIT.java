package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The zero-setup main job: one all-in-one process from the distribution, on its own embedded
 * PostgreSQL, driven over real HTTP, stopped with SIGTERM and started again on the same data.
 */
class AllInOneIT {
  static Path varDir;
  static NodeProcess node;
  static ApiClient api;
  static Map<String, String> props;

  @BeforeAll
  static void start() throws Exception {
    varDir = Path.of("target", "all-in-one-" + System.currentTimeMillis()).toAbsolutePath();
    int httpPort = NodeProcess.freePort();
    props = new java.util.HashMap<>(ClusterDatabase.forAllInOne());
    props.putAll(Map.of(
        "galley.var-dir", varDir.toString(),
        "galley.http.port", Integer.toString(httpPort),
        "galley.cluster.port", Integer.toString(NodeProcess.freePort()),
        "galley.management.port", Integer.toString(NodeProcess.freePort()),
        "galley.server-name", "aio",
        // SIGTERM is a graceful stop; keep its wait for running jobs short here.
        "galley.handler.shutdown-grace", "1s"));
    node = NodeProcess.start("all-in-one", varDir.resolveSibling(varDir.getFileName() + "-logs"), props);
    long t0 = System.nanoTime();
    node.awaitHttp("http://127.0.0.1:" + httpPort + "/api/version", Duration.ofSeconds(120));
    System.out.printf("all-in-one node answered /api/version %d ms after start%n", (System.nanoTime() - t0) / 1_000_000);
    api = new ApiClient("http://127.0.0.1:" + httpPort, Files.readString(varDir.resolve("admin.key")).trim());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void runsSortLinesToOkAndServesItsSortedStdout() throws Exception {
    long t0 = System.nanoTime();
    long id = api.submit("sort_lines", "{\"text\": \"pear\\napple\\nfig\\n\"}");
    JsonNode job = api.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(60));
    System.out.printf("sort_lines POST to ok: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertEquals("ok", job.get("state").asText(), job.toString());
    assertEquals(0, job.get("exit_code").asInt());
    assertEquals("apple\nfig\npear\n", api.get("/api/jobs/" + id + "/stdout").body());
  }

  @Test
  void stopKillsRunningJobsLeavesThemRecoverableAndDataSurvivesARestart() throws Exception {
    long done = api.submit("word_count", "{\"text\": \"one two three\"}");
    api.awaitJob(done, inState("ok"), Duration.ofSeconds(60));
    long sleeper = api.submit("sleep", "{\"seconds\": 600}");
    JsonNode running = api.awaitJob(sleeper, inState("running"), Duration.ofSeconds(60));
    long pid = running.get("external_id").asLong();
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the job's process runs");

    int exit = node.stop(Duration.ofSeconds(60));
    assertTrue(exit == 0 || exit == 143, "clean exit on SIGTERM (143 is the JVM's after shutdown hooks), got " + exit + ":\n" + node.logTail());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the job's process group was killed");
    assertFalse(Files.exists(varDir.resolve("pg/data/postmaster.pid")), "embedded PostgreSQL stopped");

    node.restart();
    node.awaitHttp(api.base() + "/api/version", Duration.ofSeconds(120));
    assertEquals("ok", api.job(done).get("state").asText(), "finished jobs survive the restart");
    assertEquals("3\n", api.get("/api/jobs/" + done + "/stdout").body());
    JsonNode again = api.awaitJob(sleeper, inState("running"), Duration.ofSeconds(60));
    assertEquals(2, again.get("attempt").asInt(), "the interrupted job was requeued and runs again: " + again);
    assertNotEquals(pid, again.get("external_id").asLong());
    assertEquals("deleting", api.delete("/api/jobs/" + sleeper).json().get("state").asText());
    api.awaitJob(sleeper, inState("deleted"), Duration.ofSeconds(30));
  }
}
