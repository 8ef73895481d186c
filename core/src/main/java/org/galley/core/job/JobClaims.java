package org.galley.core.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.JobLimits;

/**
 * The claim of new jobs by a handler, shared by every assignment method: one statement that picks
 * the jobs fairly (the oldest jobs of each owner first, owners interleaved: Galaxy #11358), within
 * the concurrency limits, locks them with {@code FOR UPDATE SKIP LOCKED} and moves them to
 * {@code queued} for the handler, with their history rows.
 *
 * <p>With limits, claims take one transaction-scoped advisory lock first, so two handlers never
 * both count the same free place. {@code db-transaction-isolation} runs the claim under SERIALIZABLE
 * with a plain {@code FOR UPDATE} and retries serialization failures with backoff.
 */
final class JobClaims {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JobClaims.class);
  /** Advisory lock key that serializes claims when limits apply (any constant other code does not use). */
  private static final long LIMITS_LOCK = 0x6a6f626c696dL;
  private static final int UNLIMITED = Integer.MAX_VALUE;
  private static final int MAX_RETRIES = 20;

  /**
   * The match of one claimable job row {@code j}. The parameters are read through scalar subqueries
   * of the CTE {@code params} (init plans), which the planner can use as index conditions on
   * {@code job_new_queue}; a join with the CTE would hide them and scan the backlog instead.
   */
  private static final String CLAIMABLE = " j.state = 'new' AND j.assign_with = (SELECT method FROM params)"
      // A resubmitted job waits out its rule's delay.
      + " AND (j.not_before IS NULL OR j.not_before <= now())"
      + " AND (j.handler = (SELECT me FROM params) OR (j.handler IS NULL AND (SELECT unassigned FROM params))) ";

  static final String CLAIM = """
      WITH RECURSIVE
      params AS (SELECT me, method, unassigned, n, user_cap, 2 * n + 32 AS slack FROM (
                   SELECT ?::text AS me, ?::text AS method, ?::boolean AS unassigned,  -- handler, method, take unassigned
                          ?::int AS n, ?::int AS user_cap) AS given),                  -- max jobs, user limit
      pools AS (SELECT * FROM unnest(?::text[], ?::int[], ?::int[]) AS p (pool, total_cap, user_cap)),  -- pools, their limits
      -- Owners with claimable jobs per pool: a loose index scan over job_new_queue.
      owners AS (
        SELECT p.pool, (SELECT j.owner FROM job j WHERE """ + CLAIMABLE + """
               AND j.pool = p.pool ORDER BY j.owner LIMIT 1) AS owner
        FROM pools p
        UNION ALL
        SELECT o.pool, (SELECT j.owner FROM job j WHERE """ + CLAIMABLE + """
               AND j.pool = o.pool AND j.owner > o.owner ORDER BY j.owner LIMIT 1)
        FROM owners o WHERE o.owner IS NOT NULL),
      -- The oldest few of each owner, ranked within the owner.
      candidates AS (
        SELECT c.id, c.owner, c.pool, row_number() OVER (PARTITION BY c.pool, c.owner ORDER BY c.id) AS rn
        FROM owners o CROSS JOIN LATERAL (
          SELECT j.id, j.owner, j.pool FROM job j
          WHERE """ + CLAIMABLE + """
            -- The owner as a range, not an equality: with owner fixed the planner may read the
            -- ORDER BY as "by id" and walk job_pkey from the oldest id, filtering out every finished
            -- job below the backlog (measured: 77 ms instead of 0.04 for a claim of 16 with 22,000
            -- finished jobs before 20,000 new ones, ANALYZEd); as a range only job_new_queue gives it.
            AND j.pool = o.pool AND j.owner >= o.owner AND j.owner <= o.owner
          ORDER BY j.assign_with, j.pool, j.owner, j.id LIMIT (SELECT slack FROM params)) c
        WHERE o.owner IS NOT NULL),
      -- What users and pools hold now, counted once (MATERIALIZED: not once per candidate) and
      -- only when a limit needs it (2147483647 is UNLIMITED).
      active AS MATERIALIZED (
        SELECT owner, pool, count(*) AS n FROM job WHERE state IN ('queued', 'running')
          AND owner IN (SELECT owner FROM candidates)
          AND ((SELECT user_cap FROM params) < 2147483647
               OR EXISTS (SELECT 1 FROM pools WHERE user_cap < 2147483647))
        GROUP BY owner, pool),
      pool_active AS MATERIALIZED (
        SELECT pool, count(*) AS n FROM job WHERE state IN ('queued', 'running')
          AND pool IN (SELECT pool FROM pools WHERE total_cap < 2147483647)
          AND EXISTS (SELECT 1 FROM pools WHERE total_cap < 2147483647)  -- else not even the index is read
        GROUP BY pool),
      by_user AS (
        SELECT c.*, row_number() OVER (PARTITION BY c.owner ORDER BY c.rn, c.id) AS rn_user FROM candidates c),
      within_user AS (
        SELECT u.* FROM by_user u JOIN pools p ON p.pool = u.pool CROSS JOIN params x
        WHERE u.rn_user <= x.user_cap - coalesce((SELECT sum(a.n) FROM active a WHERE a.owner = u.owner), 0)
          AND u.rn <= p.user_cap - coalesce((SELECT a.n FROM active a WHERE a.owner = u.owner AND a.pool = u.pool), 0)),
      within_pool AS (
        SELECT w.* FROM (SELECT w.*, row_number() OVER (PARTITION BY w.pool ORDER BY w.rn, w.id) AS rn_pool
                         FROM within_user w) w
        JOIN pools p ON p.pool = w.pool
        WHERE w.rn_pool <= p.total_cap - coalesce((SELECT a.n FROM pool_active a WHERE a.pool = w.pool), 0)),
      -- Lock in fair order, skipping (with SKIP LOCKED) candidates a concurrent claim holds: the
      -- slack of candidates beyond n lets concurrent claimers of one owner's jobs each get theirs.
      fair_order AS (SELECT ARRAY(SELECT id FROM within_pool ORDER BY rn, id) AS ids),
      locked AS (
        SELECT j.id FROM job j
        WHERE j.id = ANY ((SELECT ids FROM fair_order)::bigint[]) AND j.state = 'new'
        ORDER BY array_position((SELECT ids FROM fair_order), j.id) LIMIT (SELECT n FROM params)
        FOR UPDATE OF j %s),
      changed AS (
        UPDATE job SET state = 'queued', handler = (SELECT me FROM params), info = NULL, update_time = now()
        WHERE id = ANY (ARRAY(SELECT id FROM locked)) AND state = 'new'
        RETURNING *),
      history AS (""" + JobSql.RECORD_HISTORY + """
      )
      SELECT * FROM changed ORDER BY id
      """;

  private final DataSource dataSource;

  JobClaims(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  List<Job> claim(ClaimRequest r) {
    boolean serializable = r.method() == AssignMethod.DB_TRANSACTION_ISOLATION;
    String sql = CLAIM.formatted(serializable ? "" : "SKIP LOCKED");
    for (int attempt = 1; ; attempt++) {
      try {
        return claimOnce(sql, r, serializable);
      } catch (SQLException e) {
        if (!serializable || !isSerializationFailure(e)) {
          throw new StoreException(e);
        }
        if (attempt >= MAX_RETRIES) {
          // As Galaxy does: another handler keeps winning these jobs; this claim takes none, and
          // the handler's next poll tries again.
          log.debug("claim of {} lost {} serialization conflicts in a row; taking nothing", r.handler(), attempt);
          return List.of();
        }
        backoff(attempt);
      }
    }
  }

  private List<Job> claimOnce(String sql, ClaimRequest r, boolean serializable) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (serializable) {
          c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        }
        try (Statement st = c.createStatement()) {
          // The parameters reach the plan as init plans (see CLAIMABLE), so the generic plan is
          // as good as a custom one, and planning this statement anew costs twice its execution.
          st.execute("SET LOCAL plan_cache_mode = force_generic_plan"
              + (r.limits().any() ? "; SELECT pg_advisory_xact_lock(" + LIMITS_LOCK + ")" : ""));
        }
        List<Job> out = run(c, sql, r);
        c.commit();
        return out;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        if (serializable) {
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        c.setAutoCommit(true);
      }
    }
  }

  private static List<Job> run(Connection c, String sql, ClaimRequest r) throws SQLException {
    int n = r.pools().size();
    Integer[] totals = new Integer[n];
    Integer[] perUser = new Integer[n];
    for (int i = 0; i < n; i++) {
      JobLimits.PoolLimits p = r.limits().of(r.pools().get(i));
      totals[i] = capOf(p.concurrentJobs());
      perUser[i] = capOf(p.userConcurrentJobs());
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, r.handler());
      ps.setString(2, r.method().configName());
      ps.setBoolean(3, r.unassigned());
      ps.setInt(4, r.max());
      ps.setInt(5, capOf(r.limits().userConcurrentJobs()));
      ps.setArray(6, c.createArrayOf("text", r.pools().toArray()));
      ps.setArray(7, c.createArrayOf("integer", totals));
      ps.setArray(8, c.createArrayOf("integer", perUser));
      try (ResultSet rs = ps.executeQuery()) {
        List<Job> out = new ArrayList<>();
        while (rs.next()) {
          out.add(JobRows.read(rs));
        }
        return out;
      }
    }
  }

  private static int capOf(int limit) {
    return limit > 0 ? limit : UNLIMITED;
  }

  private static boolean isSerializationFailure(SQLException e) {
    return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
  }

  /** Up to 2, 4, 8 … ms, at most 100 ms, fully jittered, so retrying claimers do not collide again in step. */
  private static void backoff(int attempt) {
    long ms = Math.min(100, 1L << Math.min(attempt, 7));
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(ms + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(new SQLException("interrupted while retrying a claim", e));
    }
  }
}
