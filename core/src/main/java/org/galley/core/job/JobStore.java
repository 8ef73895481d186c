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
  private final DataSource dataSource;
  private final JobClaims claims;

  /** The steps of attempts whose runners submit, wait in a scheduler's queue, or outlive their handler. */
  public RunnerSteps runnerSteps() {
    return new RunnerSteps(this);
  }

  /** The ends of attempts and the hand-backs: finish, delete, requeue. */
  public JobEnds ends() {
    return new JobEnds(this);
  }

  /** The kept stdout and stderr of ended jobs (table job_output). */
  public org.galley.core.output.JobOutputStore outputs() {
    return new org.galley.core.output.JobOutputStore(dataSource);
  }

  public JobStore(DataSource dataSource) {
    this.dataSource = dataSource;
    this.claims = new JobClaims(dataSource);
  }

  public Job insert(NewJob job) {
    return queryOne(JobSql.INSERT_JOB, job.owner(), job.toolId(), job.toolVersion(),
        JobRows.inputsToJson(job.inputs()), job.pool(), job.assignWith().configName(), job.handler()).orElseThrow();
  }

  /** Inserts {@code jobs} in one statement, all or none; returns them in the order given. */
  public List<Job> insertAll(List<NewJob> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection()) {
      return insertAll(c, jobs);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** {@link #insertAll(List)} on the caller's connection, inside its transaction if one is open. */
  static List<Job> insertAll(Connection c, List<NewJob> jobs) throws SQLException {
    int n = jobs.size();
    String[] owners = new String[n];
    String[] toolIds = new String[n];
    String[] versions = new String[n];
    String[] inputs = new String[n];
    String[] pools = new String[n];
    String[] methods = new String[n];
    String[] handlers = new String[n];
    for (int i = 0; i < n; i++) {
      NewJob j = jobs.get(i);
      owners[i] = j.owner();
      toolIds[i] = j.toolId();
      versions[i] = j.toolVersion();
      inputs[i] = JobRows.inputsToJson(j.inputs());
      pools[i] = j.pool();
      methods[i] = j.assignWith().configName();
      handlers[i] = j.handler();
    }
    List<Job> out = new ArrayList<>(n);
    try (PreparedStatement ps = prepare(c, JobSql.INSERT_JOBS,
            new Object[] {owners, toolIds, versions, inputs, pools, methods, handlers});
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(JobRows.read(rs));
      }
    }
    if (out.size() != n) {
      throw new IllegalStateException("inserted " + out.size() + " jobs of " + n);
    }
    return out;
  }

  public Optional<Job> find(long id) {
    return queryOne(JobSql.FIND_JOB, id);
  }

  /**
   * Moves up to {@code max} new {@code cluster} jobs of {@code pool} to {@code queued} for
   * {@code handler}, oldest first per owner, owners interleaved; no limits.
   */
  public List<Job> claimNew(String pool, String handler, int max) {
    return claim(ClaimRequest.cluster(handler, pool, max, org.galley.core.settings.JobLimits.NONE));
  }

  /** Claims new jobs as {@link JobClaims} describes: fair, within the limits, never twice. */
  public List<Job> claim(ClaimRequest request) {
    return claims.claim(request);
  }

  /**
   * Clears the presets of the new jobs of a handler that left the cluster, so live handlers take
   * them ({@link JobSql#RELEASE_PRESET}); returns them as they are afterwards.
   */
  public List<Job> releasePreset(String handler, String info) {
    return query(JobSql.RELEASE_PRESET, info, handler);
  }

  /** {@code queued → running}: the runner started the attempt. */
  public boolean markRunning(long id, int attempt, String handler, String runner, String externalId, String workdir) {
    return update(JobSql.MARK_RUNNING, runner, externalId, workdir, id, attempt, handler);
  }

  /** Cancels a job that is not finished; returns the job as it is afterwards, empty if unknown. */
  public Optional<Job> cancel(long id) {
    update(JobSql.CANCEL, id);
    return find(id);
  }

  /**
   * Hands back every job of a handler that left the cluster. Returns the jobs as they are
   * afterwards: {@code new} ones need dispatching, {@code error} ones used their last attempt.
   */
  public List<Job> requeueAllHeldBy(String handler, int maxAttempts, String reason) {
    // Scheduler jobs outlive the handler: they are released for adoption, not run again.
    runnerSteps().releaseAllHeldBy(handler, reason + "; its scheduler job awaits adoption by another handler of the pool");
    Object m = maxAttempts;
    return query(JobSql.REQUEUE_ALL_HELD_BY, m, m, m, m, m, JobEnds.lastAttemptInfo(reason, maxAttempts), reason, m, m, m, handler);
  }

  /** Server names of handlers that hold jobs now. */
  public List<String> handlersHoldingJobs() {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(JobSql.HANDLERS_HOLDING_JOBS);
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
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, JobSql.NOTE_WAITING, new Object[] {info, pool, info})) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** The jobs a handler holds: queued, running or being cancelled. */
  public List<Job> heldBy(String handler) {
    return query(JobSql.HELD_BY, handler);
  }

  public long countNew(String pool) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(JobSql.COUNT_NEW)) {
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
    JobQuery.Sql sql = q.sql();
    return query(sql.text(), sql.args());
  }

  /** Runs a statement whose rows are job ids (the first column), e.g. those a batched step changed. */
  java.util.Set<Long> ids(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      java.util.Set<Long> out = new java.util.HashSet<>();
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  boolean update(String sql, Object... args) {
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

  List<Job> query(String sql, Object... args) {
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
      } else if (a instanceof Boolean[] booleans) {
        ps.setArray(i + 1, c.createArrayOf("boolean", booleans));
      } else if (a instanceof Double[] doubles) {
        ps.setArray(i + 1, c.createArrayOf("float8", doubles));
      } else {
        ps.setObject(i + 1, a);
      }
    }
    return ps;
  }
}
