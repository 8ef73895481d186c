package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Assignment methods other than the default, in real processes: mem-self on an all-in-one node
 * (the web part hands the job to its own handler in memory), and db-skip-locked across JVMs
 * (handlers claim from the table, woken by the web node's hint on the cluster topic).
 */
class AssignmentMethodsIT {

  @Test
  void memSelfRunsJobsOnTheReceivingAllInOneNode() throws Exception {
    Path varDir = Path.of("target", "mem-self-" + System.currentTimeMillis()).toAbsolutePath();
    int http = NodeProcess.freePort();
    Map<String, String> props = new java.util.HashMap<>(ClusterDatabase.forAllInOne());
    props.putAll(Map.of(
        "galley.var-dir", varDir.toString(),
        "galley.http.port", Integer.toString(http),
        "galley.cluster.port", Integer.toString(NodeProcess.freePort()),
        "galley.management.port", Integer.toString(NodeProcess.freePort()),
        "galley.server-name", "aio",
        "galley.jobs.assign-with", "mem-self,cluster",
        "galley.handler.poll-interval", "30s"));
    try (NodeProcess node = NodeProcess.start("mem-self", varDir.resolveSibling(varDir.getFileName() + "-logs"), props)) {
      node.awaitHttp("http://127.0.0.1:" + http + "/api/version", Duration.ofSeconds(120));
      ApiClient api = new ApiClient("http://127.0.0.1:" + http, Files.readString(varDir.resolve("admin.key")).trim());
      long t0 = System.nanoTime();
      long id = api.submit("sort_lines", "{\"text\": \"b\\na\\n\"}");
      // Long before the 30 s poll: the local handler was told in memory.
      JsonNode job = api.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(20));
      System.out.printf("mem-self: sort_lines POST to ok in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertEquals("ok", job.get("state").asText(), job.toString());
      assertEquals("aio", job.get("handler").asText(), job.toString());
    }
  }

  @Test
  void dbSkipLockedHandlersInOtherJvmsClaimEveryJobOnce() throws Exception {
    String[] method = {"galley.jobs.assign-with", "db-skip-locked", "galley.handler.poll-interval", "30s"};
    try (TestCluster cluster = TestCluster.create("skip-locked")) {
      ApiClient api = cluster.startWeb("web1", method);
      cluster.startHandler("h1", "default", 4, method);
      cluster.startHandler("h2", "default", 4, method);
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 200; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"tool_id\": \"noop\", \"inputs\": {}}");
      }
      ApiClient.Reply r = api.post("/api/jobs", batch.append("]").toString());
      assertEquals(201, r.status(), r.body());
      Set<String> handlers = new HashSet<>();
      for (JsonNode j : r.json()) {
        // Within the bound, far below the 30 s poll: the hint woke the handlers.
        JsonNode done = api.awaitJob(j.get("id").asLong(), inState("ok", "error"), Duration.ofSeconds(20));
        assertEquals("ok", done.get("state").asText(), done.toString());
        assertEquals(1, done.get("attempt").asInt(), done.toString());
        handlers.add(done.get("handler").asText());
      }
      assertTrue(Set.of("h1", "h2").containsAll(handlers), handlers.toString());
    }
  }
}
