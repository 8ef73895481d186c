package org.galley.core.job;

import java.time.Instant;
import java.util.Map;
import org.galley.protocol.JobState;

/**
 * One row of the {@code job} table, the truth about a job.
 *
 * @param destination where the current attempt runs (or, set by a resubmission, is to run); null until chosen
 * @param externalName the attempt's name in a scheduler, for runners whose work outlives its handler; else null
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
    String externalName) {

  public Job {
    inputs = Map.copyOf(inputs);
  }
}
