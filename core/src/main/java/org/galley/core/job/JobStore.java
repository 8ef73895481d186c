package org.galley.core.job;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.galley.protocol.JobState;

/**
 * The {@code job} table. Every state change is one guarded, attempt-fenced statement that also
 * appends to {@code job_history}, and reports whether it won: a late write of an old attempt, or
 * of a job that moved on, changes nothing. Every method blocks: call it from the blocking
 * dispatcher, never from an actor's thread.
 */
public final class JobStore {

  /** Appends the rows a CTE named {@code changed} returned to the history, and counts them. */
  private static final String RECORD_HISTORY = """
      INSERT INTO job_history (job_id, attempt, state, handler, info)
      SELECT id, attempt, state, handler, info FROM changed
      """;

  private static final String INSERT_JOB = """
      WITH changed AS (
        INSERT INTO job (owner, tool_id, tool_version, inputs, pool, state)
        VALUES (?, ?, ?, ?::jsonb, ?, 'new')      -- owner, tool id, tool version, inputs, pool
        RETURNING *),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT * FROM changed
      """;

  /**
   * Many jobs in one statement (group commit, batch submit): one multi-row INSERT and one history
   * INSERT. Rows are inserted in the order given, so ids grow in that order.
   */
  private static final String INSERT_JOBS = """
      WITH input AS (
        SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[])  -- owners, tool ids, tool versions, inputs, pools
          WITH ORDINALITY AS i (owner, tool_id, tool_version, inputs, pool, ord)),
      changed AS (
        INSERT INTO job (owner, tool_id, tool_version, inputs, pool, state)
        SELECT owner, tool_id, tool_version, inputs::jsonb, pool, 'new' FROM input ORDER BY ord
        RETURNING *),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT * FROM changed ORDER BY id
      """;

  private static final String FIND_JOB = "SELECT * FROM job WHERE id = ?";

  /** Galaxy's claim: lock new jobs of the pool oldest first, skipping rows other claimers hold. */
  private static final String CLAIM_NEW_FOR_POOL = """
      WITH changed AS (
        UPDATE job SET state = 'queued', handler = ?, info = NULL, update_time = now()  -- handler
        WHERE id IN (
          SELECT id FROM job WHERE state = 'new' AND pool = ?                            -- pool
          ORDER BY id LIMIT ?                                                            -- max jobs
          FOR UPDATE SKIP LOCKED)
        RETURNING *),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT * FROM changed ORDER BY id
      """;

  private static final String MARK_RUNNING = """
      WITH changed AS (
        UPDATE job SET state = 'running', runner = ?, external_id = ?, working_directory = ?,  -- runner, external id, dir
               start_time = now(), update_time = now()
        WHERE id = ? AND attempt = ? AND handler = ? AND state = 'queued'                     -- id, attempt, handler
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  private static final String FINISH = """
      WITH changed AS (
        UPDATE job SET state = ?, exit_code = ?, info = ?, end_time = now(), update_time = now()  -- ok|error, exit code, info
        WHERE id = ? AND attempt = ? AND handler = ? AND state IN ('queued', 'running')           -- id, attempt, handler
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  /**
   * {@link #FINISH} for many attempts of one handler in one statement, each row guarded and fenced
   * exactly as there; returns the ids whose end won.
   */
  private static final String FINISH_ALL = """
      WITH input AS (
        SELECT * FROM unnest(?::bigint[], ?::integer[], ?::text[], ?::integer[], ?::text[])  -- ids, attempts, ok|error, exit codes, infos
          AS i (id, attempt, state, exit_code, info)),
      changed AS (
        UPDATE job SET state = i.state, exit_code = i.exit_code, info = i.info, end_time = now(), update_time = now()
        FROM input i
        WHERE job.id = i.id AND job.attempt = i.attempt AND job.handler = ?                  -- handler
          AND job.state IN ('queued', 'running')
        RETURNING job.id, job.attempt, job.state, job.handler, job.info),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT id FROM changed
      """;

  /** A job nobody holds yet is deleted at once; a held one becomes deleting for its handler to stop. */
  private static final String CANCEL = """
      WITH changed AS (
        UPDATE job SET state = CASE WHEN state = 'new' THEN 'deleted' ELSE 'deleting' END,
               end_time = CASE WHEN state = 'new' THEN now() END,
               info = 'cancelled', update_time = now()
        WHERE id = ? AND state IN ('new', 'queued', 'running')        -- id
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  private static final String MARK_DELETED = """
      WITH changed AS (
        UPDATE job SET state = 'deleted', exit_code = ?, end_time = now(), update_time = now()  -- exit code
        WHERE id = ? AND attempt = ? AND state = 'deleting'                                     -- id, attempt
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  /**
   * Hands an attempt back: the job is new again under the next attempt, so anything the old
   * attempt still writes is fenced off. A job being cancelled is deleted instead.
   */
  private static final String REQUEUE = """
      WITH changed AS (
        UPDATE job SET
          state = CASE WHEN state = 'deleting' THEN 'deleted' ELSE 'new' END,
          attempt = CASE WHEN state = 'deleting' THEN attempt ELSE attempt + 1 END,
          handler = CASE WHEN state = 'deleting' THEN handler END,
          end_time = CASE WHEN state = 'deleting' THEN now() END,
          runner = NULL, external_id = NULL, exit_code = NULL, start_time = NULL,
          info = ?, update_time = now()                                            -- info
        WHERE id = ? AND attempt = ? AND state IN ('queued', 'running', 'deleting')  -- id, attempt
        RETURNING id, attempt, state, handler, info)
      """ + RECORD_HISTORY;

  /**
   * Requeues every job a removed handler held, in one statement: a job being cancelled is
   * deleted, one that used its last attempt ends in error, the rest are new under the next
   * attempt. All SET expressions read the row as it was.
   */
  private static final String REQUEUE_ALL_HELD_BY = """
      WITH changed AS (
        UPDATE job SET
          state = CASE WHEN state = 'deleting' THEN 'deleted' WHEN attempt >= ? THEN 'error' ELSE 'new' END,  -- max attempts
          attempt = CASE WHEN state = 'deleting' OR attempt >= ? THEN attempt ELSE attempt + 1 END,          -- max attempts
          handler = CASE WHEN state = 'deleting' OR attempt >= ? THEN handler END,                           -- max attempts
          end_time = CASE WHEN state = 'deleting' OR attempt >= ? THEN now() END,                            -- max attempts
          info = CASE WHEN state = 'deleting' THEN info
                      WHEN attempt >= ? THEN ? || ' after ' || attempt || ' attempt(s)'                      -- max attempts, reason
                      ELSE ? END,                                                                            -- reason
          runner = CASE WHEN attempt >= ? THEN runner END,                                                   -- max attempts
          external_id = CASE WHEN attempt >= ? THEN external_id END,                                         -- max attempts
          start_time = CASE WHEN attempt >= ? THEN start_time END,                                           -- max attempts
          update_time = now()
        WHERE handler = ? AND state IN ('queued', 'running', 'deleting')                                     -- handler
        RETURNING *),
      history AS (""" + RECORD_HISTORY + """
      )
      SELECT * FROM changed ORDER BY id
      """;

  private static final String HANDLERS_HOLDING_JOBS = """
      SELECT DISTINCT handler FROM job WHERE state IN ('queued', 'running', 'deleting') AND handler IS NOT NULL
      """;

  /** Says why new jobs wait; not a state change, so no history row. */
  private static final String NOTE_WAITING = """
      UPDATE job SET info = ? WHERE state = 'new' AND pool = ? AND info IS DISTINCT FROM ?  -- info, pool, info
      """;

  private static final String HELD_BY = """
      SELECT * FROM job WHERE handler = ? AND state IN ('queued', 'running', 'deleting') ORDER BY id  -- handler
      """;

  private static final String COUNT_NEW = "SELECT count(*) FROM job WHERE state = 'new' AND pool = ?";

  private final DataSource dataSource;

  public JobStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Job insert(NewJob job) {
    return queryOne(INSERT_JOB, job.owner(), job.toolId(), job.toolVersion(),
        JobRows.inputsToJson(job.inputs()), job.pool()).orElseThrow();
  }

  /** Inserts {@code jobs} in one statement, all or none; returns them in the order given. */
  public List<Job> insertAll(List<NewJob> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    int n = jobs.size();
    String[] owners = new String[n];
    String[] toolIds = new String[n];
    String[] versions = new String[n];
    String[] inputs = new String[n];
    String[] pools = new String[n];
    for (int i = 0; i < n; i++) {
      NewJob j = jobs.get(i);
      owners[i] = j.owner();
      toolIds[i] = j.toolId();
      versions[i] = j.toolVersion();
      inputs[i] = JobRows.inputsToJson(j.inputs());
      pools[i] = j.pool();
    }
    List<Job> out = query(INSERT_JOBS, owners, toolIds, versions, inputs, pools);
    if (out.size() != n) {
      throw new IllegalStateException("inserted " + out.size() + " jobs of " + n);
    }
    return out;
  }

  public Optional<Job> find(long id) {
    return queryOne(FIND_JOB, id);
  }

  /** Moves up to {@code max} new jobs of {@code pool} to {@code queued} for {@code handler}, oldest first. */
  public List<Job> claimNew(String pool, String handler, int max) {
    return query(CLAIM_NEW_FOR_POOL, handler, pool, max);
  }

  /** {@code queued → running}: the runner started the attempt. */
  public boolean markRunning(long id, int attempt, String handler, String runner, String externalId, String workdir) {
    return update(MARK_RUNNING, runner, externalId, workdir, id, attempt, handler);
  }

  /** {@code queued | running → ok | error} for the attempt of this handler. */
  public boolean finish(long id, int attempt, String handler, JobState end, Integer exitCode, String info) {
    if (end != JobState.OK && end != JobState.ERROR) {
      throw new IllegalArgumentException("a job finishes ok or error, not " + end);
    }
    return update(FINISH, end.dbName(), exitCode, info, id, attempt, handler);
  }

  /** The end of one attempt, for {@link #finishAll}. */
  public record Finish(long id, int attempt, JobState end, Integer exitCode, String info) {
    public Finish {
      if (end != JobState.OK && end != JobState.ERROR) {
        throw new IllegalArgumentException("a job finishes ok or error, not " + end);
      }
    }
  }

  /**
   * {@link #finish} for many attempts of {@code handler} in one statement (a handler's batched
   * ends). Returns the ids of the jobs whose end won; the others moved on (cancelled, requeued).
   */
  public java.util.Set<Long> finishAll(String handler, List<Finish> ends) {
    if (ends.isEmpty()) {
      return java.util.Set.of();
    }
    int n = ends.size();
    Long[] ids = new Long[n];
    Integer[] attempts = new Integer[n];
    String[] states = new String[n];
    Integer[] codes = new Integer[n];
    String[] infos = new String[n];
    for (int i = 0; i < n; i++) {
      Finish f = ends.get(i);
      ids[i] = f.id();
      attempts[i] = f.attempt();
      states[i] = f.end().dbName();
      codes[i] = f.exitCode();
      infos[i] = f.info();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, FINISH_ALL, new Object[] {ids, attempts, states, codes, infos, handler});
        ResultSet rs = ps.executeQuery()) {
      java.util.Set<Long> won = new java.util.HashSet<>();
      while (rs.next()) {
        won.add(rs.getLong(1));
      }
      return won;
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** Cancels a job that is not finished; returns the job as it is afterwards, empty if unknown. */
  public Optional<Job> cancel(long id) {
    update(CANCEL, id);
    return find(id);
  }

  /** {@code deleting → deleted}: the handler stopped the attempt. */
  public boolean markDeleted(long id, int attempt, Integer exitCode) {
    return update(MARK_DELETED, exitCode, id, attempt);
  }

  /** Gives an attempt back: {@code new} with the next attempt, or {@code deleted} if it was being cancelled. */
  public boolean requeue(long id, int attempt, String info) {
    return update(REQUEUE, info, id, attempt);
  }

  /**
   * Hands back every job of a handler that left the cluster. Returns the jobs as they are
   * afterwards: {@code new} ones need dispatching, {@code error} ones used their last attempt.
   */
  public List<Job> requeueAllHeldBy(String handler, int maxAttempts, String reason) {
    Object m = maxAttempts;
    return query(REQUEUE_ALL_HELD_BY, m, m, m, m, m, reason, reason, m, m, m, handler);
  }

  /** Server names of handlers that hold jobs now. */
  public List<String> handlersHoldingJobs() {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(HANDLERS_HOLDING_JOBS);
        ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** Sets {@code info} of the pool's new jobs, e.g. that no live handler serves the pool. */
  public int noteWaiting(String pool, String info) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, NOTE_WAITING, new Object[] {info, pool, info})) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** The jobs a handler holds: queued, running or being cancelled. */
  public List<Job> heldBy(String handler) {
    return query(HELD_BY, handler);
  }

  public long countNew(String pool) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(COUNT_NEW)) {
      ps.setString(1, pool);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** A page of jobs, newest first. */
  public List<Job> list(JobQuery q) {
    StringBuilder sql = new StringBuilder("SELECT * FROM job WHERE true");
    List<Object> args = new ArrayList<>();
    q.owner().ifPresent(o -> {
      sql.append(" AND owner = ?");
      args.add(o);
    });
    if (!q.states().isEmpty()) {
      sql.append(" AND state = ANY (?)");
      args.add(q.states().stream().map(JobState::dbName).toArray(String[]::new));
    }
    q.toolId().ifPresent(t -> {
      sql.append(" AND tool_id = ?");
      args.add(t);
    });
    sql.append(" ORDER BY id DESC LIMIT ? OFFSET ?");
    args.add(q.limit());
    args.add(q.offset());
    return query(sql.toString(), args.toArray());
  }

  private boolean update(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  private Optional<Job> queryOne(String sql, Object... args) {
    List<Job> jobs = query(sql, args);
    return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
  }

  private List<Job> query(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      List<Job> out = new ArrayList<>();
      while (rs.next()) {
        out.add(JobRows.read(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object[] args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof String[] strings) {
        Array array = c.createArrayOf("text", strings);
        ps.setArray(i + 1, array);
      } else if (a instanceof Long[] longs) {
        ps.setArray(i + 1, c.createArrayOf("bigint", longs));
      } else if (a instanceof Integer[] ints) {
        ps.setArray(i + 1, c.createArrayOf("integer", ints));
      } else {
        ps.setObject(i + 1, a);
      }
    }
    return ps;
  }
}
