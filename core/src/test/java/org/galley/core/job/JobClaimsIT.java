package org.galley.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.galley.core.db.Database;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.JobLimits;
import org.galley.core.testing.TestDatabase;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The claim every assignment method uses, against real PostgreSQL: three handlers claiming at once
 * never take a job twice and leave none behind, methods never take each other's jobs, limits hold
 * across handlers, and one user's backlog does not starve another user.
 */
class JobClaimsIT {
  static final List<String> HANDLERS = List.of("h1", "h2", "h3");
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

  /**
   * Handlers of a pool claim at the same moment: a claim must skip the jobs another claim is
   * locking and take the next ones, not come back empty (which would make the dispatcher wait for
   * its sweep).
   */
  @Test
  void aClaimBesideOneInFlightTakesTheNextJobs() throws Exception {
    String pool = "beside-in-flight";
    List<Job> jobs = insert(12, "carol", pool, AssignMethod.CLUSTER, false);
    try (Connection inFlight = db.dataSource().getConnection()) {
      inFlight.setAutoCommit(false);
      try (Statement st = inFlight.createStatement()) {
        st.execute("SELECT id FROM job WHERE pool = '" + pool + "' ORDER BY id LIMIT 4 FOR UPDATE");
      }
      List<Job> got = store.claim(new ClaimRequest("h2", AssignMethod.CLUSTER, List.of(pool), true, 4, JobLimits.NONE));
      assertEquals(jobs.subList(4, 8).stream().map(Job::id).toList(), got.stream().map(Job::id).toList());
      inFlight.rollback();
    }
  }

  static NewJob job(String owner, String pool, AssignMethod method, String preset) {
    return new NewJob(owner, "noop", "1.0", Map.of(), pool, method, preset);
  }

  static List<Job> insert(int n, String owner, String pool, AssignMethod method, boolean presetRoundRobin) {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(job(owner, pool, method, presetRoundRobin ? HANDLERS.get(i % HANDLERS.size()) : null));
    }
    List<Job> out = new ArrayList<>();
    for (int from = 0; from < n; from += 1000) {
      out.addAll(store.insertAll(jobs.subList(from, Math.min(n, from + 1000))));
    }
    return out;
  }

  /** Each handler claims batches of 50 and ends them at once, until a claim comes back empty. */
  static Map<String, Integer> claimConcurrently(AssignMethod method, String pool, boolean preset) throws Exception {
    ExecutorService pool3 = Executors.newFixedThreadPool(HANDLERS.size());
    try {
      List<Future<Integer>> counts = new ArrayList<>();
      for (String h : HANDLERS) {
        counts.add(pool3.submit(() -> {
          int taken = 0;
          while (true) {
            List<Job> got = store.claim(new ClaimRequest(h, method, List.of(pool), !preset, 50, JobLimits.NONE));
            if (got.isEmpty()) {
              return taken;
            }
            for (Job j : got) {
              if (preset) {
                assertEquals(h, j.handler());
              }
            }
            store.ends().finishAll(h, got.stream().map(j -> new JobEnds.Finish(j.id(), j.attempt(), JobState.OK, 0, null, JobUsage.NONE)).toList());
            taken += got.size();
          }
        }));
      }
      Map<String, Integer> out = new HashMap<>();
      for (int i = 0; i < HANDLERS.size(); i++) {
        out.put(HANDLERS.get(i), counts.get(i).get());
      }
      return out;
    } finally {
      pool3.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(AssignMethod.class)
  void threeHandlersClaimingAtOnceTakeEveryJobExactlyOnce(AssignMethod method) throws Exception {
    String pool = "all-" + method.configName();
    boolean preset = method == AssignMethod.DB_PREASSIGN || method == AssignMethod.DB_SELF || method == AssignMethod.MEM_SELF;
    List<Job> jobs = insert(5_000, "alice", pool, method, preset);
    long t0 = System.nanoTime();
    Map<String, Integer> taken = claimConcurrently(method, pool, preset);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s: 3 claimers took and ended 5,000 jobs in %.2f s (%.0f jobs/s, batches of 50)%n",
        method.configName(), seconds, 5_000 / seconds);

    assertEquals(5_000, taken.values().stream().mapToInt(Integer::intValue).sum(), "taken per handler: " + taken);
    long first = jobs.get(0).id();
    long last = jobs.get(jobs.size() - 1).id();
    // One 'queued' and one 'ok' per job and attempt, and every job ended: none twice, none lost.
    assertEquals(0, count("SELECT count(*) FROM (SELECT job_id, attempt FROM job_history WHERE job_id BETWEEN " + first + " AND " + last
        + " AND state = 'queued' GROUP BY job_id, attempt HAVING count(*) > 1) d"));
    assertEquals(5_000, count("SELECT count(*) FROM job_history WHERE state = 'queued' AND job_id BETWEEN " + first + " AND " + last));
    assertEquals(5_000, count("SELECT count(*) FROM job_history WHERE state = 'ok' AND job_id BETWEEN " + first + " AND " + last));
    assertEquals(5_000, count("SELECT count(*) FROM job WHERE state = 'ok' AND attempt = 1 AND pool = '" + pool + "'"));
  }

  @Test
  void methodsNeverTakeEachOthersJobs() {
    String pool = "mixed";
    Map<AssignMethod, Long> ids = new HashMap<>();
    for (AssignMethod m : AssignMethod.values()) {
      ids.put(m, store.insert(job("alice", pool, m, m == AssignMethod.DB_PREASSIGN || m == AssignMethod.DB_SELF
          || m == AssignMethod.MEM_SELF ? "h1" : null)).id());
    }
    for (AssignMethod m : AssignMethod.values()) {
      List<Job> got = store.claim(new ClaimRequest("h1", m, List.of(pool), true, 100, JobLimits.NONE));
      assertEquals(List.of(ids.get(m)), got.stream().map(Job::id).toList(), m.configName());
    }
  }

  @Test
  void aJobPresetToOneHandlerIsNotTakenByAnother() {
    Job mine = store.insert(job("alice", "preset", AssignMethod.DB_PREASSIGN, "h1"));
    assertTrue(store.claim(new ClaimRequest("h2", AssignMethod.DB_PREASSIGN, List.of("preset"), true, 10, JobLimits.NONE)).isEmpty());
    assertEquals(List.of(mine.id()),
        store.claim(new ClaimRequest("h1", AssignMethod.DB_PREASSIGN, List.of("preset"), true, 10, JobLimits.NONE))
            .stream().map(Job::id).toList());
  }

  @Test
  void releasedPresetJobsGoToOtherHandlers() {
    Job pre = store.insert(job("alice", "release", AssignMethod.DB_PREASSIGN, "gone"));
    Job self = store.insert(job("alice", "release", AssignMethod.DB_SELF, "gone"));
    List<Job> released = store.releasePreset("gone", "handler gone left the cluster");
    assertEquals(2, released.size());
    released.forEach(j -> assertNull(j.handler()));
    assertEquals(List.of(pre.id()), store.claim(new ClaimRequest("h2", AssignMethod.DB_PREASSIGN, List.of("release"), true, 10,
        JobLimits.NONE)).stream().map(Job::id).toList());
    // A db-self job's process is gone for good: the pool's cluster dispatcher gives it to a live handler.
    assertEquals(List.of(self.id()), store.claim(new ClaimRequest("h3", AssignMethod.CLUSTER, List.of("release"), true, 10,
        JobLimits.NONE)).stream().map(Job::id).toList());
  }

  @Test
  void oneUsersBacklogDoesNotStarveAnother() {
    String pool = "fair";
    insert(5_000, "anna", pool, AssignMethod.DB_SKIP_LOCKED, false);
    List<Long> bens = insert(10, "ben", pool, AssignMethod.DB_SKIP_LOCKED, false).stream().map(Job::id).toList();
    // Bound: ben's 10 jobs are all among the first 20 claimed, though 5,000 of anna's are older.
    List<Long> claimed = new ArrayList<>();
    while (claimed.size() < 20) {
      store.claim(new ClaimRequest("h1", AssignMethod.DB_SKIP_LOCKED, List.of(pool), true, 4, JobLimits.NONE))
          .forEach(j -> claimed.add(j.id()));
    }
    assertTrue(claimed.containsAll(bens), "first 20 claimed: " + claimed);
  }

  @Test
  void userLimitHoldsAcrossHandlersClaimingAtOnce() throws Exception {
    insert(30, "carl", "limited-user", AssignMethod.DB_SKIP_LOCKED, false);
    insert(30, "dora", "limited-user", AssignMethod.DB_SKIP_LOCKED, false);
    JobLimits limits = new JobLimits(3, Map.of());
    claimAtOnce("limited-user", limits);
    assertEquals(3, count("SELECT count(*) FROM job WHERE owner = 'carl' AND state = 'queued'"));
    assertEquals(3, count("SELECT count(*) FROM job WHERE owner = 'dora' AND state = 'queued'"));
  }

  @Test
  void poolLimitsHoldInTotalAndPerUser() throws Exception {
    insert(30, "erik", "limited-pool", AssignMethod.DB_SKIP_LOCKED, false);
    insert(30, "fay", "limited-pool", AssignMethod.DB_SKIP_LOCKED, false);
    insert(30, "gus", "limited-pool", AssignMethod.DB_SKIP_LOCKED, false);
    JobLimits limits = new JobLimits(0, Map.of("limited-pool", new JobLimits.PoolLimits(5, 2)));
    claimAtOnce("limited-pool", limits);
    assertEquals(5, count("SELECT count(*) FROM job WHERE pool = 'limited-pool' AND state = 'queued'"));
    assertEquals(0, count("SELECT count(*) FROM (SELECT owner FROM job WHERE pool = 'limited-pool' AND state = 'queued' "
        + "GROUP BY owner HAVING count(*) > 2) o"));
    // An end frees a place: the next claim takes exactly one more.
    Job one = store.list(new JobQuery(java.util.Optional.empty(), java.util.Set.of(JobState.QUEUED), java.util.Optional.empty(), 1, 0)).get(0);
    assertTrue(store.ends().finish(one.id(), one.attempt(), one.handler(), JobState.OK, 0, null, JobUsage.NONE));
    assertEquals(1, store.claim(new ClaimRequest("h1", AssignMethod.DB_SKIP_LOCKED, List.of("limited-pool"), true, 10, limits)).size());
  }

  @Test
  void theClaimUsesTheQueueIndexNotAScanOfTheBacklog() throws SQLException {
    insert(20_000, "hugo", "backlog", AssignMethod.DB_SKIP_LOCKED, false);
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("ANALYZE job");
    }
    String plan = explain("EXPLAIN ");
    assertFalse(plan.contains("Seq Scan on job"), plan);
    assertTrue(plan.contains("job_new_queue"), plan);
    // For the README: what one claim of 100 costs on this backlog (it claims them).
    String analyzed = explain("EXPLAIN (ANALYZE, BUFFERS) ");
    System.out.println("claim of 100 with 20,000 new jobs of one user: "
        + analyzed.lines().filter(l -> l.contains("Execution Time") || l.startsWith("  Buffers")).toList());
  }

  private static String explain(String how) throws SQLException {
    String sql = how + JobClaims.CLAIM.formatted("SKIP LOCKED");
    try (Connection c = db.dataSource().getConnection(); var ps = c.prepareStatement(sql)) {
      ps.setString(1, "h1");
      ps.setString(2, "db-skip-locked");
      ps.setBoolean(3, true);
      ps.setInt(4, 100);
      ps.setInt(5, Integer.MAX_VALUE);
      ps.setArray(6, c.createArrayOf("text", new Object[] {"backlog"}));
      ps.setArray(7, c.createArrayOf("integer", new Object[] {Integer.MAX_VALUE}));
      ps.setArray(8, c.createArrayOf("integer", new Object[] {Integer.MAX_VALUE}));
      StringBuilder out = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.append(rs.getString(1)).append('\n');
        }
      }
      return out.toString();
    }
  }

  /** Three handlers claim up to 10 each at the same time, once. */
  private static void claimAtOnce(String pool, JobLimits limits) throws Exception {
    ExecutorService three = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<Job>>> all = new ArrayList<>();
      for (String h : HANDLERS) {
        all.add(three.submit(() -> store.claim(new ClaimRequest(h, AssignMethod.DB_SKIP_LOCKED, List.of(pool), true, 10, limits))));
      }
      for (Future<List<Job>> f : all) {
        f.get();
      }
    } finally {
      three.shutdownNow();
    }
  }

  static long count(String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
