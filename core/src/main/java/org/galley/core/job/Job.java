package org.galley.core.job;

import java.time.Instant;
import java.util.Map;
import org.galley.protocol.JobState;

/** One row of the {@code job} table, the truth about a job. */
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
    Instant endTime) {

  public Job {
    inputs = Map.copyOf(inputs);
  }
}
