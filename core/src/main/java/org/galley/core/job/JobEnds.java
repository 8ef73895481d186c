package org.galley.core.job;

import java.util.List;
import java.util.Set;
import org.galley.protocol.JobState;

/**
 * How an attempt ends or is handed back, each one guarded, attempt-fenced statement of
 * {@link JobStore} that appends its history row: {@code ok}/{@code error} alone or many at once,
 * {@code deleted} after a cancel, and the requeues that do or do not count toward
 * {@code galley.jobs.max-attempts}. The ends write, in the same statement, what the attempt's work
 * used ({@link JobUsage}; {@link JobUsage#NONE} when nothing ran or nothing was measured).
 */
public final class JobEnds {
  private final JobStore store;

  JobEnds(JobStore store) {
    this.store = store;
  }

  /** {@code queued | running → ok | error} for the attempt of this handler, with what its work used. */
  public boolean finish(long id, int attempt, String handler, JobState end, Integer exitCode, String info, JobUsage usage) {
    if (end != JobState.OK && end != JobState.ERROR) {
      throw new IllegalArgumentException("a job finishes ok or error, not " + end);
    }
    return store.update(JobSql.FINISH, end.dbName(), exitCode, info, usage.cpuUserSeconds(), usage.cpuSystemSeconds(),
        usage.peakMemoryBytes(), usage.exitSignal(), id, attempt, handler);
  }

  /** The end of one attempt, for {@link #finishAll}, with what its work used. */
  public record Finish(long id, int attempt, JobState end, Integer exitCode, String info, JobUsage usage) {
    public Finish {
      if (end != JobState.OK && end != JobState.ERROR) {
        throw new IllegalArgumentException("a job finishes ok or error, not " + end);
      }
      usage = usage == null ? JobUsage.NONE : usage;
    }
  }

  /**
   * {@link #finish} for many attempts of {@code handler} in one statement (a handler's batched
   * ends). Returns the ids of the jobs whose end won; the others moved on (cancelled, requeued).
   */
  public Set<Long> finishAll(String handler, List<Finish> ends) {
    if (ends.isEmpty()) {
      return Set.of();
    }
    int n = ends.size();
    Long[] ids = new Long[n];
    Integer[] attempts = new Integer[n];
    String[] states = new String[n];
    Integer[] codes = new Integer[n];
    String[] infos = new String[n];
    Double[] cpuUser = new Double[n];
    Double[] cpuSystem = new Double[n];
    Long[] peakMemory = new Long[n];
    Integer[] signals = new Integer[n];
    for (int i = 0; i < n; i++) {
      Finish f = ends.get(i);
      ids[i] = f.id();
      attempts[i] = f.attempt();
      states[i] = f.end().dbName();
      codes[i] = f.exitCode();
      infos[i] = f.info();
      cpuUser[i] = f.usage().cpuUserSeconds();
      cpuSystem[i] = f.usage().cpuSystemSeconds();
      peakMemory[i] = f.usage().peakMemoryBytes();
      signals[i] = f.usage().exitSignal();
    }
    return store.ids(JobSql.FINISH_ALL, ids, attempts, states, codes, infos, cpuUser, cpuSystem, peakMemory, signals, handler);
  }

  /** {@code deleting → deleted}: the handler stopped the attempt; records what its work used. */
  public boolean markDeleted(long id, int attempt, Integer exitCode, JobUsage usage) {
    return store.update(JobSql.MARK_DELETED, exitCode, usage.cpuUserSeconds(), usage.cpuSystemSeconds(),
        usage.peakMemoryBytes(), usage.exitSignal(), id, attempt);
  }

  /**
   * Gives an attempt back without counting it toward max-attempts (a free attempt: it never started,
   * or its handler was drained for a planned restart): {@code new} with the next attempt, or
   * {@code deleted} if it was being cancelled.
   */
  public boolean requeue(long id, int attempt, String info) {
    return store.update(JobSql.HAND_BACK, false, 0, id, attempt, false, info, info);
  }

  /**
   * Gives an attempt back counting it toward {@code maxAttempts} (its handler lost it, or stopped
   * without being drained first): {@code new} with the next attempt, or, if that was the job's last
   * counted attempt, {@code error} with {@code info} and {@link #lastAttemptInfo}; {@code deleted}
   * if it was being cancelled.
   */
  public boolean requeueCounted(long id, int attempt, int maxAttempts, String info) {
    return store.update(JobSql.HAND_BACK, true, maxAttempts, id, attempt, true, lastAttemptInfo(info, maxAttempts), info);
  }

  /** The info of a job that ended in error because an attempt ended so on its last counted attempt. */
  public static String lastAttemptInfo(String info, int maxAttempts) {
    return info + ", on its last attempt: each of its galley.jobs.max-attempts (" + maxAttempts
        + ") attempts was lost with its handler or given back by a stopping one; a job that keeps "
        + "killing (or being lost with) its handler ends here";
  }
}
