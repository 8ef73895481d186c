package org.galley.bench;

/**
 * The statements of a no-op job's row life in Galley, copied from core's {@code JobSql},
 * {@code JobClaims} and {@code RunnerSteps} as they were on main on 2026-12-01 13:15 (with #16's usage columns) (the bench does not
 * depend on core): insert with its history row, the fair claim with {@code FOR UPDATE SKIP LOCKED},
 * mark started (running), finish many in one statement. When the job path's statements change,
 * change these with them, or db-floor measures a row life Galley no longer has.
 */
final class DbFloorSql {
  private DbFloorSql() {}

  static final String RECORD_HISTORY = """
      INSERT INTO job_history (job_id, attempt, state, handler, info)
      SELECT id, attempt, state, handler, info FROM changed
      """;

  /** JobSql.INSERT_JOBS: a batch submit. */
  static final String INSERT_JOBS = """
      WITH input AS (
        SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],  -- owners, tool ids, tool versions, inputs, pools
                             ?::text[], ?::text[])                                   -- methods, preset handlers
          WITH ORDINALITY AS i (owner, tool_id, tool_version, inputs, pool, assign_with, handler, ord)),
      changed AS (
        INSERT INTO job (owner, tool_id, tool_version, inputs, pool, assign_with, handler, state)
        SELECT owner, tool_id, tool_version, inputs::jsonb, pool, assign_with, handler, 'new' FROM input ORDER BY ord
        RETURNING *),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT * FROM changed ORDER BY id
      """;

  private static final String CLAIMABLE = " j.state = 'new' AND j.assign_with = (SELECT method FROM params)"
      + " AND (j.not_before IS NULL OR j.not_before <= now())"
      + " AND (j.handler = (SELECT me FROM params) OR (j.handler IS NULL AND (SELECT unassigned FROM params))) ";

  /** JobClaims.CLAIM with SKIP LOCKED, run (as there) after {@code SET LOCAL plan_cache_mode = force_generic_plan}. */
  static final String CLAIM = """
      WITH RECURSIVE
      params AS (SELECT me, method, unassigned, n, user_cap, 2 * n + 32 AS slack FROM (
                   SELECT ?::text AS me, ?::text AS method, ?::boolean AS unassigned,  -- handler, method, take unassigned
                          ?::int AS n, ?::int AS user_cap) AS given),                  -- max jobs, user limit
      pools AS (SELECT * FROM unnest(?::text[], ?::int[], ?::int[]) AS p (pool, total_cap, user_cap)),  -- pools, their limits
      owners AS (
        SELECT p.pool, (SELECT j.owner FROM job j WHERE """ + CLAIMABLE + """
               AND j.pool = p.pool ORDER BY j.owner LIMIT 1) AS owner
        FROM pools p
        UNION ALL
        SELECT o.pool, (SELECT j.owner FROM job j WHERE """ + CLAIMABLE + """
               AND j.pool = o.pool AND j.owner > o.owner ORDER BY j.owner LIMIT 1)
        FROM owners o WHERE o.owner IS NOT NULL),
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
      fair_order AS (SELECT ARRAY(SELECT id FROM within_pool ORDER BY rn, id) AS ids),
      locked AS (
        SELECT j.id FROM job j
        WHERE j.id = ANY ((SELECT ids FROM fair_order)::bigint[]) AND j.state = 'new'
        ORDER BY array_position((SELECT ids FROM fair_order), j.id) LIMIT (SELECT n FROM params)
        FOR UPDATE OF j SKIP LOCKED),
      changed AS (
        UPDATE job SET state = 'queued', handler = (SELECT me FROM params), info = NULL, update_time = now()
        WHERE id = ANY (ARRAY(SELECT id FROM locked)) AND state = 'new'
        RETURNING *),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT * FROM changed ORDER BY id
      """;

  /** RunnerSteps.MARK_STARTED: one guarded statement per job (the floor sends them as one JDBC batch). */
  static final String MARK_STARTED = """
      WITH changed AS (
        UPDATE job SET state = CASE WHEN ? THEN 'running' ELSE 'queued' END,                      -- runs already
               start_time = CASE WHEN ? THEN now() END,                                           -- runs already
               runner = ?, external_id = ?, working_directory = ?, destination = ?,               -- runner, id, dir, destination
               info = ?, update_time = now()                                                      -- info
        WHERE id = ? AND attempt = ? AND handler = ? AND state = 'queued'                         -- id, attempt, handler
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  /** JobSql.FINISH_ALL: the ends of many attempts of one handler. */
  static final String FINISH_ALL = """
      WITH input AS (
        SELECT * FROM unnest(?::bigint[], ?::integer[], ?::text[], ?::integer[], ?::text[],  -- ids, attempts, ok|error, exit codes, infos
                             ?::float8[], ?::float8[], ?::bigint[], ?::integer[])            -- usage: cpu user, cpu system, peak memory, signal
          AS i (id, attempt, state, exit_code, info, cpu_user, cpu_system, peak_memory, signal)),
      changed AS (
        UPDATE job SET state = i.state, exit_code = i.exit_code, info = i.info, end_time = now(), update_time = now(),
               cpu_user_seconds = i.cpu_user, cpu_system_seconds = i.cpu_system, peak_memory_bytes = i.peak_memory,
               exit_signal = i.signal
        FROM input i
        WHERE job.id = i.id AND job.attempt = i.attempt AND job.handler = ?                  -- handler
          AND job.state IN ('queued', 'running')
        RETURNING job.id, job.attempt, job.state, job.handler, job.info),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT id FROM changed
      """;
}
