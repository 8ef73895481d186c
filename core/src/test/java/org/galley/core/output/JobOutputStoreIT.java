package org.galley.core.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.galley.core.db.Database;
import org.galley.core.job.ClaimRequest;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.NewJob;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.JobLimits;
import org.galley.core.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kept outputs against real PostgreSQL: written only by the handler holding the attempt, never for
 * empty outputs, replaced by a later attempt's, found by job id.
 */
class JobOutputStoreIT {
  static Database db;
  static JobStore jobs;
  static JobOutputStore outputs;

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh();
    jobs = new JobStore(db.dataSource());
    outputs = jobs.outputs();
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
  }

  @Test
  void keepsTheOutputsOfTheHoldingHandlersAttemptOnly() throws Exception {
    Job job = claimedBy("h1", "fenced");
    outputs.keepAll("h2", List.of(kept(job.id(), job.attempt(), "not h2's")));
    outputs.keepAll("h1", List.of(kept(job.id(), job.attempt() + 1, "not this attempt")));
    assertTrue(outputs.find(job.id()).isEmpty(), "another handler's or attempt's write is fenced off");

    outputs.keepAll("h1", List.of(kept(job.id(), job.attempt(), "hello")));
    JobOutputStore.Stored stored = outputs.find(job.id()).orElseThrow();
    assertEquals(job.attempt(), stored.attempt());
    assertEquals("hello", new String(stored.stdout().bytes(), StandardCharsets.UTF_8));
    assertEquals("err-hello", new String(stored.stderr().bytes(), StandardCharsets.UTF_8));
    assertEquals(7, stored.stdout().skipped());
  }

  @Test
  void writesNoRowForEmptyOutputs() throws Exception {
    Job job = claimedBy("h1", "empty");
    long before = rows();
    outputs.keepAll("h1", List.of(new JobOutputStore.Kept(job.id(), job.attempt(), OutputTail.EMPTY, OutputTail.EMPTY)));
    outputs.keepAll("h1", List.of());
    assertEquals(before, rows());
  }

  @Test
  void aLaterAttemptReplacesTheOutputsOfAnEarlierOne() throws Exception {
    Job job = claimedBy("h1", "replaced");
    outputs.keepAll("h1", List.of(kept(job.id(), job.attempt(), "first")));
    assertTrue(jobs.ends().requeue(job.id(), job.attempt(), "test: handler lost"));
    Job again = jobs.claim(new ClaimRequest("h3", AssignMethod.CLUSTER, List.of("replaced"), true, 1, JobLimits.NONE))
        .get(0);
    outputs.keepAll("h3", List.of(kept(again.id(), again.attempt(), "second")));
    JobOutputStore.Stored stored = outputs.find(job.id()).orElseThrow();
    assertEquals(again.attempt(), stored.attempt());
    assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), stored.stdout().bytes());
  }

  @Test
  void outputTailKeepsTheLastBytesAndCountsTheRest() {
    OutputTail t = new OutputTail("0123456789".getBytes(StandardCharsets.UTF_8), 5).last(4);
    assertEquals("6789", new String(t.bytes(), StandardCharsets.UTF_8));
    assertEquals(11, t.skipped());
  }

  private static JobOutputStore.Kept kept(long id, int attempt, String out) {
    return new JobOutputStore.Kept(id, attempt, new OutputTail(out.getBytes(StandardCharsets.UTF_8), 7),
        new OutputTail(("err-" + out).getBytes(StandardCharsets.UTF_8), 0));
  }

  private static Job claimedBy(String handler, String pool) {
    jobs.insert(new NewJob("alice", "noop", "1.0", Map.of(), pool, AssignMethod.CLUSTER, null));
    return jobs.claim(new ClaimRequest(handler, AssignMethod.CLUSTER, List.of(pool), true, 1, JobLimits.NONE)).get(0);
  }

  private static long rows() throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM job_output")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
