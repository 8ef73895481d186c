package org.galley.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.galley.core.db.Database;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.JobUsage;
import org.galley.core.job.NewJob;
import org.galley.core.testing.TestDatabase;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's activity samples: what the history gained since the last sample, and a plan that never scans job. */
class JobActivityIT {
  static Database db;
  static JobStore store;

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh();
    store = new JobStore(db.dataSource());
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
  }

  @Test
  void aSampleCountsTheEndsAndStartsSinceThePreviousOneWithTheirDispatchLatency() throws Exception {
    JobActivity activity = new JobActivity(db.dataSource(), Clock.systemUTC());
    Job before = store.insert(new NewJob("alice", "sort_lines", "1.0", Map.of(), "p-act"));
    store.claimNew("p-act", "h-act", 10);
    store.markRunning(before.id(), 1, "h-act", "noop", "noop", "/tmp/a");
    store.ends().finish(before.id(), 1, "h-act", JobState.OK, 0, null, JobUsage.NONE);
    activity.sample(); // marks where the history stands: nothing before it counts
    assertEquals(List.of(), activity.samples());

    for (int i = 0; i < 3; i++) {
      Job j = store.insert(new NewJob("alice", "sort_lines", "1.0", Map.of(), "p-act"));
      store.claimNew("p-act", "h-act", 10);
      assertTrue(store.markRunning(j.id(), 1, "h-act", "noop", "noop", "/tmp/b"));
      if (i < 2) {
        store.ends().finish(j.id(), 1, "h-act", i == 0 ? JobState.OK : JobState.ERROR, i, null, JobUsage.NONE);
      }
    }
    activity.sample();
    JobActivity.Sample s = activity.samples().get(0);
    assertEquals(2, s.ended());
    assertEquals(3, s.started());
    assertNotNull(s.dispatchP50Seconds());
    assertTrue(s.dispatchP50Seconds() >= 0 && s.dispatchP95Seconds() >= s.dispatchP50Seconds(), s.toString());

    activity.sample();
    JobActivity.Sample quiet = activity.samples().get(1);
    assertEquals(0, quiet.ended());
    assertEquals(0, quiet.started());
    assertNull(quiet.dispatchP50Seconds());
  }

  @Test
  void aBurstOfStartsIsCountedWholeAndItsLatencyFromEveryKthStart() throws Exception {
    JobActivity activity = new JobActivity(db.dataSource(), Clock.systemUTC());
    activity.sample();
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("""
          WITH j AS (INSERT INTO job (owner, tool_id, tool_version, inputs, pool, state, create_time)
                     SELECT 'burst', 'noop', '1.0', '{}', 'p-burst', 'ok', now() - interval '2 seconds'
                     FROM generate_series(1, 2500) RETURNING id)
          INSERT INTO job_history (job_id, attempt, state) SELECT id, 1, s FROM j, unnest(ARRAY['running', 'ok']) AS s
          """);
    }
    activity.sample();
    JobActivity.Sample s = activity.samples().get(0);
    assertEquals(2500, s.started());
    assertEquals(2500, s.ended());
    assertEquals(2.0, s.dispatchP50Seconds(), 0.5, "every start waited 2 s: " + s);
  }

  @Test
  void keepsOnlyTheLastTenMinutes() throws Exception {
    JobActivity activity = new JobActivity(db.dataSource(), Clock.systemUTC());
    for (int i = 0; i <= JobActivity.KEPT + 5; i++) {
      activity.sample();
    }
    assertEquals(JobActivity.KEPT, activity.samples().size());
  }

  @Test
  void theSampleReadsARangeOfTheHistoryAndLooksJobsUpByIdNeverScanningTheTable() throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("""
          WITH j AS (INSERT INTO job (owner, tool_id, tool_version, inputs, pool, state)
                     SELECT 'bulk', 'noop', '1.0', '{}', 'p-bulk', 'ok' FROM generate_series(1, 30000) RETURNING id)
          INSERT INTO job_history (job_id, attempt, state) SELECT id, 1, 'running' FROM j
          """);
      st.execute("ANALYZE job");
      st.execute("ANALYZE job_history");
      StringBuilder plan = new StringBuilder();
      try (var ps = c.prepareStatement("EXPLAIN " + JobActivity.SINCE)) {
        ps.setLong(1, 29_000);
        ps.setInt(2, JobActivity.MAX_ROWS);
        ps.setInt(3, JobActivity.MAX_LATENCIES);
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
      }
      assertFalse(plan.toString().contains("Seq Scan"), plan.toString());
    }
  }
}
