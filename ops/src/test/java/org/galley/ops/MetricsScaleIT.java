package org.galley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import org.galley.core.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A scrape of {@code /metrics} on a node with 1,000,000 jobs in the table costs no scan: the
 * {@code galley_jobs} gauge reads the background count. Prints the scrape times and the count's
 * own time (what each {@code job-counts-interval} costs the database) for the README.
 */
@Tag("slow")
class MetricsScaleIT {
  private static final int JOBS = 1_000_000;

  @Test
  void aScrapeWithAMillionJobsIsFast() throws Exception {
    String url = TestDatabase.freshUrl();
    try (InProcessNode node = InProcessNode.start("metrics-scale", url, "galley.metrics.job-counts-interval = 2s")) {
      long insertStart = System.nanoTime();
      try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
        // Finished jobs only: the handler has nothing to claim, the table is just large.
        st.execute("""
            INSERT INTO job (owner, tool_id, tool_version, inputs, pool, state, exit_code, start_time, end_time)
            SELECT 'bench', 'sort_lines', '1.0', '{"text": "b\\na"}', 'default',
                   CASE WHEN i %% 10 = 0 THEN 'error' ELSE 'ok' END, i %% 2, now(), now()
            FROM generate_series(1, %d) AS i
            """.formatted(JOBS));
        st.execute("ANALYZE job");
      }
      System.out.printf("inserted %,d jobs in %d ms%n", JOBS, (System.nanoTime() - insertStart) / 1_000_000);
      InProcessNode.await("the gauge shows the million jobs", Duration.ofSeconds(60), () -> {
        Exposition e = Exposition.parse(body(node.management() + "/metrics"));
        return e.value("galley_jobs", "pool", "default", "state", "ok") == JOBS * 9 / 10;
      });

      long[] scrapes = new long[21];
      for (int i = 0; i < scrapes.length; i++) {
        long t0 = System.nanoTime();
        var r = InProcessNode.get(node.management() + "/metrics");
        scrapes[i] = System.nanoTime() - t0;
        assertEquals(200, r.statusCode());
      }
      Arrays.sort(scrapes);
      long countStart = System.nanoTime();
      try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
        st.executeQuery(org.galley.core.metrics.JobCounts.COUNT_BY_POOL_AND_STATE).close();
      }
      long countMs = (System.nanoTime() - countStart) / 1_000_000;
      System.out.printf("/metrics with %,d jobs: scrape median %.1f ms, max %.1f ms over %d scrapes (HTTP, same"
              + " machine); the background count takes %d ms%n", JOBS, scrapes[scrapes.length / 2] / 1e6,
          scrapes[scrapes.length - 1] / 1e6, scrapes.length, countMs);
      assertTrue(scrapes[scrapes.length / 2] < 200_000_000L, "median scrape under 200 ms");

      // The dashboard's activity sample on the same table: 10,000 jobs that ran since the last one.
      var ds = new org.postgresql.ds.PGSimpleDataSource();
      ds.setUrl(url);
      ds.setUser("postgres");
      var activity = new org.galley.core.metrics.JobActivity(ds, java.time.Clock.systemUTC());
      activity.sample();
      try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
        st.execute("""
            INSERT INTO job_history (job_id, attempt, state)
            SELECT id, 1, s FROM job, unnest(ARRAY['running', 'ok']) AS s WHERE id > %d ORDER BY id, s DESC
            """.formatted(JOBS - 10_000));
      }
      long sampleStart = System.nanoTime();
      activity.sample();
      long sampleMs = (System.nanoTime() - sampleStart) / 1_000_000;
      var sample = activity.samples().get(0);
      assertEquals(10_000, sample.ended());
      assertEquals(10_000, sample.started());
      System.out.printf("dashboard activity sample with %,d jobs in the table, 10,000 started and ended since the"
          + " last: %d ms%n", JOBS, sampleMs);
    }
  }

  private static String body(String url) {
    try {
      return InProcessNode.get(url).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
