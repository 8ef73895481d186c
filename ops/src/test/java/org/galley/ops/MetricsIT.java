package org.galley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;
import org.galley.core.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on the management port of a real all-in-one node that ran a real job: the
 * exposition parses, carries the metrics the issue names, and no label holds a job id or a key.
 */
class MetricsIT {
  private static InProcessNode node;

  @BeforeAll
  static void start() throws Exception {
    node = InProcessNode.start("metrics-it", TestDatabase.freshUrl(), "galley.metrics.job-counts-interval = 1s");
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aNodeThatRanAJobExposesItsMetrics() throws Exception {
    var submitted = InProcessNode.send("POST", node.api() + "/api/jobs",
        "{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"pear\\napple\"}}");
    assertEquals(201, submitted.statusCode(), submitted.body());
    long id = Long.parseLong(submitted.body().replaceAll("(?s).*\"id\"\\s*:\\s*(\\d+).*", "$1"));
    InProcessNode.await("job " + id + " ok", Duration.ofSeconds(30),
        () -> body(node.api() + "/api/jobs/" + id).contains("\"state\":\"ok\""));
    // The table count runs every second; the finished counter is bumped once the end is written.
    InProcessNode.await("the ok job counted in galley_jobs and galley_jobs_finished_total", Duration.ofSeconds(15), () -> {
      Exposition e = scrape();
      return e.value("galley_jobs", "pool", "default", "state", "ok") == 1
          && e.value("galley_jobs_finished_total", "pool", "default", "tool", "sort_lines", "state", "ok") == 1;
    });

    var response = InProcessNode.get(node.management() + "/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
        response.headers().toString());
    String text = response.body();
    Exposition e = Exposition.parse(text);
    assertEquals(1, e.value("galley_jobs_submitted_total", "pool", "default", "tool", "sort_lines"));
    assertEquals(0, e.value("galley_jobs", "pool", "default", "state", "new"));
    assertEquals(1, e.value("galley_job_dispatch_latency_seconds_count", "pool", "default"));
    assertEquals(1, e.value("galley_job_runtime_seconds_count", "pool", "default", "tool", "sort_lines"));
    assertTrue(e.value("galley_claim_duration_seconds_count", "pool", "default") >= 1, text);
    assertEquals(1, e.value("galley_http_requests_total", "route", "/api/jobs", "method", "POST", "status", "201"));
    assertTrue(e.value("galley_http_requests_total", "route", "/api/jobs/{id}", "method", "GET", "status", "200") >= 1);
    assertTrue(e.value("galley_http_request_duration_seconds_count", "route", "/api/jobs/{id}", "method", "GET") >= 1);
    assertEquals(0, e.value("galley_handler_slots", "state", "busy"));
    assertEquals(4, e.value("galley_handler_slots", "state", "free"));
    assertEquals(0, e.value("galley_handler_drained"));
    assertEquals(1, e.value("galley_cluster_members", "status", "up"));
    assertEquals(0, e.value("galley_cluster_unreachable_members"));
    assertTrue(e.value("galley_db_connections", "state", "idle") >= 0);
    assertEquals(0, e.value("galley_db_connections_waiting"));
    assertTrue(e.value("jvm_memory_used_bytes", "area", "heap") > 0, "JVM metrics");
    assertTrue(e.value("process_cpu_seconds_total") > 0, "process metrics");
    assertEquals("counter", e.types().get("galley_jobs_finished_total"));
    assertEquals("histogram", e.types().get("galley_job_dispatch_latency_seconds"));
    assertEquals("gauge", e.types().get("galley_jobs"));

    // Bounded labels: no job id, key or path of a request in any label value.
    Pattern digitsOnly = Pattern.compile("\\d+");
    Set<String> allowedNumeric = Set.of("status", "le", "quantile");
    for (Exposition.Sample s : e.samples()) {
      s.labels().forEach((k, v) -> {
        assertFalse(v.contains(InProcessNode.ADMIN_KEY), s.toString());
        assertFalse(v.contains("/" + id), s.toString());
        if (s.name().startsWith("galley_") && !allowedNumeric.contains(k)) {
          assertFalse(digitsOnly.matcher(v).matches(), "a number in label " + k + ": " + s);
        }
      });
    }
  }

  private static Exposition scrape() {
    return Exposition.parse(body(node.management() + "/metrics"));
  }

  private static String body(String url) {
    try {
      return InProcessNode.get(url).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
