package org.galley.handler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.galley.core.tools.CommandLine;

/**
 * One attempt of a job, ready to run.
 *
 * @param directory the attempt's own, empty job directory; the command's working directory
 * @param walltime stop the work after this long; empty for no limit
 */
public record RunRequest(long jobId, int attempt, Path directory, CommandLine commandLine, Optional<Duration> walltime) {
  public RunRequest {
    if (commandLine.argv().isEmpty()) {
      throw new IllegalArgumentException("job " + jobId + ": the command line is empty");
    }
    walltime.ifPresent(w -> {
      if (w.isNegative() || w.isZero()) {
        throw new IllegalArgumentException("job " + jobId + ": walltime must be positive, got " + w);
      }
    });
  }
}
