package org.galley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.galley.core.testing.TestDatabase;
import org.galley.testsupport.DebianPackages;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's {@code prometheus}, installed by the test when missing) scrapes a
 * two-node Galley cluster (an all-in-one node and a second web node, one JVM) every second and
 * answers PromQL over the jobs they submitted and finished.
 */
class PrometheusScrapeIT {
  private static final int JOBS = 5;

  @Test
  void prometheusScrapesBothNodesAndAnswersPromql() throws Exception {
    DebianPackages.ensure(List.of("prometheus"), () -> Files.isExecutable(Path.of("/usr/bin/prometheus")));
    String url = TestDatabase.freshUrl();
    int seed = InProcessNode.freePort();
    String cluster = "galley.cluster.port = %d\ngalley.cluster.seed-nodes = \"127.0.0.1:%d\"\n";
    try (InProcessNode a = InProcessNode.start("prom-a", url, cluster.formatted(seed, seed));
        InProcessNode b = InProcessNode.start("prom-b", url,
            cluster.formatted(InProcessNode.freePort(), seed) + "galley.roles = web\n")) {
      Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "prometheus-");
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, """
          global:
            scrape_interval: 1s
            evaluation_interval: 1s
          scrape_configs:
            - job_name: galley
              static_configs:
                - targets: ["127.0.0.1:%d", "127.0.0.1:%d"]
          """.formatted(a.managementPort, b.managementPort));
      int port = InProcessNode.freePort();
      Process prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      try {
        String api = "http://127.0.0.1:" + port;
        InProcessNode.await("both nodes up in Prometheus", Duration.ofSeconds(60),
            () -> value(api, "count(up{job=\"galley\"} == 1)") == 2);
        for (int i = 0; i < JOBS; i++) { // through the second node: its web part writes, the first runs them
          var r = InProcessNode.send("POST", b.api() + "/api/jobs",
              "{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"b\\na\"}}");
          assertEquals(201, r.statusCode(), r.body());
        }
        InProcessNode.await(JOBS + " finished jobs in PromQL", Duration.ofSeconds(60),
            () -> value(api, "sum(galley_jobs_finished_total{state=\"ok\"})") == JOBS);
        // Each target is scraped on its own second: the web node's counter may show a scrape later.
        InProcessNode.await(JOBS + " submitted jobs in PromQL", Duration.ofSeconds(30),
            () -> value(api, "sum by (tool) (galley_jobs_submitted_total{tool=\"sort_lines\"})") == JOBS);
        InProcessNode.await("each node sees two members", Duration.ofSeconds(30),
            () -> value(api, "min(galley_cluster_members{status=\"up\"})") == 2);
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  /** The single value of an instant query; NaN if it has no result (yet). */
  private static double value(String api, String promql) {
    try {
      var r = InProcessNode.get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      JsonNode result = new ObjectMapper().readTree(r.body()).path("data").path("result");
      return result.size() == 1 ? Double.parseDouble(result.get(0).get("value").get(1).asText()) : Double.NaN;
    } catch (Exception e) {
      return Double.NaN;
    }
  }
}
