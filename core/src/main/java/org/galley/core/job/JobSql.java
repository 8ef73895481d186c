package org.galley.core.job;

/**
 * The statements of {@link JobStore}, one named text block each, bound parameters commented.
 * PostgreSQL only. Every state change is a CTE named {@code changed} that updates guarded by
 * id, attempt and state, followed by {@link #RECORD_HISTORY}, so the history row is written by
 * the same statement and the row count says whether the change won.
 */
final class JobSql {
  private JobSql() {}

  /** Appends the rows a CTE named {@code changed} returned to the history, and counts them. */
  static final String RECORD_HISTORY = """
      INSERT INTO job_history (job_id, attempt, state, handler, info)
      SELECT id, attempt, state, handler, info FROM changed
      """;

  static final String INSERT_JOB = """
      WITH changed AS (
        INSERT INTO job (owner, tool_id, tool_version, inputs, pool, assign_with, handler, state)
        VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, 'new')      -- owner, tool id, tool version, inputs, pool, method, preset handler
        RETURNING *),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT * FROM changed
      """;

  /**
   * Many jobs in one statement (group commit, batch submit): one multi-row INSERT and one history
   * INSERT. Rows are inserted in the order given, so ids grow in that order.
   */
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

  static final String FIND_JOB = "SELECT * FROM job WHERE id = ?";

  static final String MARK_RUNNING = """
      WITH changed AS (
        UPDATE job SET state = 'running', runner = ?, external_id = ?, working_directory = ?,  -- runner, external id, dir
               start_time = now(), update_time = now()
        WHERE id = ? AND attempt = ? AND handler = ? AND state = 'queued'                     -- id, attempt, handler
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  static final String FINISH = """
      WITH changed AS (
        UPDATE job SET state = ?, exit_code = ?, info = ?, end_time = now(), update_time = now(),  -- ok|error, exit code, info
               cpu_user_seconds = ?, cpu_system_seconds = ?, peak_memory_bytes = ?, exit_signal = ?  -- usage (JobUsage)
        WHERE id = ? AND attempt = ? AND handler = ? AND state IN ('queued', 'running')            -- id, attempt, handler
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  /**
   * {@link #FINISH} for many attempts of one handler in one statement, each row guarded and fenced
   * exactly as there; returns the ids whose end won.
   */
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

  /** A job nobody holds yet is deleted at once; a held one becomes deleting for its handler to stop. */
  static final String CANCEL = """
      WITH changed AS (
        UPDATE job SET state = CASE WHEN state = 'new' THEN 'deleted' ELSE 'deleting' END,
               end_time = CASE WHEN state = 'new' THEN now() END,
               info = 'cancelled', update_time = now()
        WHERE id = ? AND state IN ('new', 'queued', 'running')        -- id
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  static final String MARK_DELETED = """
      WITH changed AS (
        UPDATE job SET state = 'deleted', exit_code = ?, end_time = now(), update_time = now(),  -- exit code
               cpu_user_seconds = ?, cpu_system_seconds = ?, peak_memory_bytes = ?, exit_signal = ?  -- usage (JobUsage)
        WHERE id = ? AND attempt = ? AND state = 'deleting'                                      -- id, attempt
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  /**
   * Hands an attempt back: the job is new again under the next attempt, so anything the old attempt
   * still writes is fenced off; a job being cancelled is deleted instead. When the hand-back counts
   * toward max-attempts and the job has used them (attempts minus {@code free_attempts}, V8), it
   * ends in error; one that does not count adds a free attempt. The target row is locked first, so
   * the SET expressions and the guard read the same row.
   */
  static final String HAND_BACK = """
      WITH target AS (
        SELECT id, state = 'deleting' AS cancelled,
               ?::boolean AND attempt - free_attempts >= ? AS last                    -- counts, max attempts
        FROM job WHERE id = ? AND attempt = ? AND state IN ('queued', 'running', 'deleting')  -- id, attempt
        FOR UPDATE),
      changed AS (
        UPDATE job SET
          state = CASE WHEN t.cancelled THEN 'deleted' WHEN t.last THEN 'error' ELSE 'new' END,
          attempt = CASE WHEN t.cancelled OR t.last THEN job.attempt ELSE job.attempt + 1 END,
          free_attempts = CASE WHEN t.cancelled OR t.last OR ? THEN job.free_attempts ELSE job.free_attempts + 1 END,  -- counts
          -- A job preset to this handler stays its own: it claims it again once back, and if it
          -- never comes back the reaper releases it (RELEASE_PRESET).
          handler = CASE WHEN t.cancelled OR t.last OR job.assign_with IN ('db-preassign', 'db-self', 'mem-self')
                         THEN job.handler END,
          end_time = CASE WHEN t.cancelled OR t.last THEN now() END,
          runner = CASE WHEN t.last THEN job.runner END,
          external_id = CASE WHEN t.last THEN job.external_id END,
          external_name = NULL, exit_code = NULL,
          start_time = CASE WHEN t.last THEN job.start_time END,
          info = CASE WHEN t.last THEN ? ELSE ? END, update_time = now()             -- info if it was the last, info
        FROM target t WHERE job.id = t.id
        RETURNING job.id, job.attempt, job.state, job.handler, job.info)
      """ + RECORD_HISTORY;

  /**
   * Requeues every job a removed handler held, in one statement: a job being cancelled is
   * deleted, one that used its last counted attempt (attempts minus free ones, V8) ends in error,
   * the rest are new under the next attempt. All SET expressions read the row as it was.
   */
  static final String REQUEUE_ALL_HELD_BY = """
      WITH changed AS (
        UPDATE job SET
          state = CASE WHEN state = 'deleting' THEN 'deleted' WHEN attempt - free_attempts >= ? THEN 'error' ELSE 'new' END,  -- max attempts
          attempt = CASE WHEN state = 'deleting' OR attempt - free_attempts >= ? THEN attempt ELSE attempt + 1 END,          -- max attempts
          handler = CASE WHEN state = 'deleting' OR attempt - free_attempts >= ? THEN handler END,                           -- max attempts
          -- The process of a db-self/mem-self job is gone: the pool's cluster dispatcher places it.
          assign_with = CASE WHEN assign_with IN ('db-self', 'mem-self') THEN 'cluster' ELSE assign_with END,
          end_time = CASE WHEN state = 'deleting' OR attempt - free_attempts >= ? THEN now() END,                            -- max attempts
          info = CASE WHEN state = 'deleting' THEN info
                      WHEN attempt - free_attempts >= ? THEN ?                                                       -- max attempts, reason if the last
                      ELSE ? END,                                                                            -- reason
          runner = CASE WHEN attempt - free_attempts >= ? THEN runner END,                                                   -- max attempts
          external_id = CASE WHEN attempt - free_attempts >= ? THEN external_id END,                                         -- max attempts
          external_name = NULL,
          start_time = CASE WHEN attempt - free_attempts >= ? THEN start_time END,                                           -- max attempts
          update_time = now()
        WHERE handler = ? AND state IN ('queued', 'running', 'deleting')                                     -- handler
        RETURNING *),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT * FROM changed ORDER BY id
      """;

  /** Handlers that hold jobs, or have new jobs preset to them (db-preassign, db-self, mem-self). */
  static final String HANDLERS_HOLDING_JOBS = """
      SELECT handler FROM job WHERE state IN ('queued', 'running', 'deleting') AND handler IS NOT NULL
      UNION
      SELECT handler FROM job WHERE state = 'new' AND handler IS NOT NULL
      """;

  /**
   * Clears the preset of the new jobs of a handler that left the cluster: db-preassign jobs are then
   * claimed by any live static handler of their pool. db-self and mem-self jobs go to the cluster
   * method, whose dispatcher runs in every cluster and gives them to any live handler of the pool:
   * the process that was to run them is gone.
   */
  static final String RELEASE_PRESET = """
      UPDATE job SET handler = NULL, info = ?,                               -- info
             assign_with = CASE WHEN assign_with IN ('db-self', 'mem-self') THEN 'cluster' ELSE assign_with END
      WHERE state = 'new' AND handler = ?                                    -- handler
      RETURNING *
      """;

  /** Says why new jobs wait; not a state change, so no history row. */
  static final String NOTE_WAITING = """
      UPDATE job SET info = ? WHERE state = 'new' AND assign_with = 'cluster' AND pool = ?  -- info, pool
        AND info IS DISTINCT FROM ?                                                         -- info
      """;

  static final String HELD_BY = """
      SELECT * FROM job WHERE handler = ? AND state IN ('queued', 'running', 'deleting') ORDER BY id  -- handler
      """;

  /** New jobs the pool's dispatcher (the cluster method) is to place. */
  static final String COUNT_NEW = "SELECT count(*) FROM job WHERE state = 'new' AND assign_with = 'cluster' AND pool = ?";
}
