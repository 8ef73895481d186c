package org.galley.core.job;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The job-table steps of attempts beyond claim → running → end: recording a scheduler submission
 * before and after it happens, the scheduler's start, why it waits, releasing an attempt whose work
 * outlives its handler for another handler to adopt, and resubmission to another destination. Each
 * is one guarded, attempt-fenced statement, like every step of {@link JobStore}; state changes append
 * their history row in the same statement.
 */
public final class RunnerSteps {
  private final JobStore store;

  RunnerSteps(JobStore store) {
    this.store = store;
  }

  /** Names the attempt before its work is submitted; a scheduler then knows it by that name. */
  static final String MARK_SUBMITTING = """
      UPDATE job SET runner = ?, external_name = ?, working_directory = ?, destination = ?,  -- runner, name, dir, destination
             update_time = now()
      WHERE id = ? AND attempt = ? AND handler = ? AND state = 'queued'                      -- id, attempt, handler
      """;

  /** The work exists: {@code running} at once (a local process), or still {@code queued} in a scheduler. */
  static final String MARK_STARTED = """
      WITH changed AS (
        UPDATE job SET state = CASE WHEN ? THEN 'running' ELSE 'queued' END,                      -- runs already
               start_time = CASE WHEN ? THEN now() END,                                           -- runs already
               runner = ?, external_id = ?, working_directory = ?, destination = ?,               -- runner, id, dir, destination
               info = ?, update_time = now()                                                      -- info
        WHERE id = ? AND attempt = ? AND handler = ? AND state = 'queued'                         -- id, attempt, handler
        RETURNING id, attempt, state, handler, info)
      """ + JobSql.RECORD_HISTORY;

  /**
   * {@link #MARK_STARTED} for many attempts of one handler in one statement (the jobs of one claim),
   * each row guarded and fenced exactly as there; returns the ids whose start was recorded.
   */
  static final String MARK_STARTED_ALL = """
      WITH input AS (
        SELECT * FROM unnest(?::bigint[], ?::integer[], ?::boolean[], ?::text[],    -- ids, attempts, runs already, runners
                             ?::text[], ?::text[], ?::text[], ?::text[])            -- external ids, dirs, destinations, infos
          AS i (id, attempt, runs, runner, external_id, dir, destination, info)),
      changed AS (
        UPDATE job SET state = CASE WHEN i.runs THEN 'running' ELSE 'queued' END,
               start_time = CASE WHEN i.runs THEN now() END,
               runner = i.runner, external_id = i.external_id, working_directory = i.dir,
               destination = i.destination, info = i.info, update_time = now()
        FROM input i
        WHERE job.id = i.id AND job.attempt = i.attempt AND job.handler = ? AND job.state = 'queued'  -- handler
        RETURNING job.id, job.attempt, job.state, job.handler, job.info),
      history AS (""" + JobSql.RECORD_HISTORY + """
      )
      SELECT id FROM changed
      """;

  static final String MARK_RUNNING_SINCE = """
      WITH changed AS (
        UPDATE job SET state = 'running', start_time = ?, info = NULL, update_time = now()   -- since
        WHERE id = ? AND attempt = ? AND handler = ? AND state = 'queued'                    -- id, attempt, handler
        RETURNING id, attempt, state, handler, info)
      """ + JobSql.RECORD_HISTORY;

  /** Not a state change: no history row. */
  static final String NOTE_INFO = """
      UPDATE job SET info = ?                                                                -- info
      WHERE id = ? AND attempt = ? AND handler = ? AND state IN ('queued', 'running')        -- id, attempt, handler
        AND info IS DISTINCT FROM ?                                                          -- info
      """;

  /** The handler lets go of the attempt; its state stays, under the next attempt, for an adopter. */
  static final String RELEASE = """
      WITH changed AS (
        UPDATE job SET handler = NULL, attempt = attempt + 1, info = ?, update_time = now()      -- info
        WHERE id = ? AND attempt = ? AND handler = ? AND external_name IS NOT NULL               -- id, attempt, handler
          AND state IN ('queued', 'running', 'deleting')
        RETURNING id, attempt, state, handler, info)
      """ + JobSql.RECORD_HISTORY;

  static final String RELEASE_ALL_HELD_BY = """
      WITH changed AS (
        UPDATE job SET handler = NULL, attempt = attempt + 1, info = ?, update_time = now()      -- info
        WHERE handler = ? AND external_name IS NOT NULL AND state IN ('queued', 'running', 'deleting')  -- handler
        RETURNING id, attempt, state, handler, info)
      """ + JobSql.RECORD_HISTORY;

  static final String ADOPT = """
      WITH picked AS (
        SELECT id FROM job
        WHERE handler IS NULL AND external_name IS NOT NULL AND state IN ('queued', 'running', 'deleting')
          AND pool = ANY (?::text[]) AND runner = ANY (?::text[])                               -- pools, runners
        ORDER BY id LIMIT ?                                                                     -- max
        FOR UPDATE SKIP LOCKED),
      changed AS (
        UPDATE job SET handler = ?, info = ?, update_time = now()                               -- handler, info
        FROM picked WHERE job.id = picked.id
        RETURNING job.*),
      history AS (""" + JobSql.RECORD_HISTORY + """
      )
      SELECT * FROM changed ORDER BY id
      """;

  /** A job sent to another destination under the next attempt, claimable once its delay passed. */
  static final String RESUBMIT = """
      WITH changed AS (
        UPDATE job SET state = 'new', attempt = attempt + 1, destination = ?,                   -- destination
               not_before = now() + ? * interval '1 millisecond',                               -- delay ms
               handler = NULL, runner = NULL, external_id = NULL, external_name = NULL,
               exit_code = NULL, start_time = NULL, info = ?, update_time = now()               -- info
        WHERE id = ? AND attempt = ? AND handler = ? AND state IN ('queued', 'running')         -- id, attempt, handler
        RETURNING id, attempt, state, handler, info)
      """ + JobSql.RECORD_HISTORY;

  /** Before submitting: the attempt's name, runner, directory and destination, while it is queued. */
  public boolean markSubmitting(long id, int attempt, String handler, String runner, String name, String dir, String destination) {
    return store.update(MARK_SUBMITTING, runner, name, dir, destination, id, attempt, handler);
  }

  /**
   * The runner started (or submitted) the attempt: {@code queued → running} if it runs already, else
   * it stays {@code queued} with {@code info} saying where.
   */
  public boolean markStarted(long id, int attempt, String handler, String runner, String externalId, String dir,
      String destination, boolean runsAlready, String info) {
    return store.update(MARK_STARTED, runsAlready, runsAlready, runner, externalId, dir, destination, info, id, attempt, handler);
  }

  /** The start of one attempt, for {@link #markStartedAll}; as the arguments of {@link #markStarted}. */
  public record Start(long id, int attempt, String runner, String externalId, String dir, String destination,
      boolean runsAlready, String info) {}

  /**
   * {@link #markStarted} for many attempts of {@code handler} in one statement. Returns the ids whose
   * start was recorded; the others changed meanwhile (cancelled, requeued) and their work must stop.
   */
  public java.util.Set<Long> markStartedAll(String handler, List<Start> starts) {
    if (starts.isEmpty()) {
      return java.util.Set.of();
    }
    int n = starts.size();
    Long[] ids = new Long[n];
    Integer[] attempts = new Integer[n];
    Boolean[] runs = new Boolean[n];
    String[] runners = new String[n];
    String[] externalIds = new String[n];
    String[] dirs = new String[n];
    String[] destinations = new String[n];
    String[] infos = new String[n];
    for (int i = 0; i < n; i++) {
      Start s = starts.get(i);
      ids[i] = s.id();
      attempts[i] = s.attempt();
      runs[i] = s.runsAlready();
      runners[i] = s.runner();
      externalIds[i] = s.externalId();
      dirs[i] = s.dir();
      destinations[i] = s.destination();
      infos[i] = s.info();
    }
    return store.ids(MARK_STARTED_ALL, ids, attempts, runs, runners, externalIds, dirs, destinations, infos, handler);
  }

  /** {@code queued → running}: the scheduler started it at {@code since}. */
  public boolean markRunningSince(long id, int attempt, String handler, Instant since) {
    return store.update(MARK_RUNNING_SINCE, Timestamp.from(since), id, attempt, handler);
  }

  /** Says why the attempt waits or cannot be seen; true if the info changed. */
  public boolean noteInfo(long id, int attempt, String handler, String info) {
    return store.update(NOTE_INFO, info, id, attempt, handler, info);
  }

  public boolean release(long id, int attempt, String handler, String info) {
    return store.update(RELEASE, info, id, attempt, handler);
  }

  void releaseAllHeldBy(String handler, String info) {
    store.update(RELEASE_ALL_HELD_BY, info, handler);
  }

  /** Takes up to {@code max} released attempts of these pools and runners for this handler. */
  public List<Job> adopt(String handler, Collection<String> pools, Collection<String> runners, int max) {
    return store.query(ADOPT, pools.toArray(String[]::new), runners.toArray(String[]::new), max, handler,
        "adopted by handler " + handler);
  }

  /** The attempt ended in a way a resubmission rule of its destination matches: new again, for {@code destination}. */
  public boolean resubmit(long id, int attempt, String handler, String destination, Duration delay, String info) {
    return store.update(RESUBMIT, destination, delay.toMillis(), info, id, attempt, handler);
  }
}
