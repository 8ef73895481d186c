package org.galley.core.job;

import java.time.Instant;
import java.util.Map;
import org.galley.protocol.JobState;

/**
 * One row of the {@code job} table, the truth about a job.
 *
 * @param destination where the current attempt runs (or, set by a resubmission, is to run); null until chosen
 * @param externalName the attempt's name in a scheduler, for runners whose work outlives its handler; else null
 * @param usage what the ended attempt's work used ({@link JobUsage#NONE} before the end, or if unmeasured)
 */
public record Job(
    long id,
    String owner,
    String toolId,
    String toolVersion,
    Map<String, Object> inputs,
    String pool,
    String handler,
    JobState state,
    int attempt,
    String runner,
    String externalId,
    Integer exitCode,
    String info,
    String workingDirectory,
    Instant createTime,
    Instant updateTime,
    Instant startTime,
    Instant endTime,
    String destination,
    String externalName,
    JobUsage usage) {

  public Job {
    inputs = Map.copyOf(inputs);
    usage = usage == null ? JobUsage.NONE : usage;
  }

  /** A job whose usage is not (yet) known. */
  public Job(long id, String owner, String toolId, String toolVersion, Map<String, Object> inputs, String pool,
      String handler, JobState state, int attempt, String runner, String externalId, Integer exitCode, String info,
      String workingDirectory, Instant createTime, Instant updateTime, Instant startTime, Instant endTime,
      String destination, String externalName) {
    this(id, owner, toolId, toolVersion, inputs, pool, handler, state, attempt, runner, externalId, exitCode, info,
        workingDirectory, createTime, updateTime, startTime, endTime, destination, externalName, JobUsage.NONE);
  }
}
