package org.galley.handler.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.galley.core.destinations.Destination;
import org.galley.core.destinations.Resources;
import org.galley.core.tools.CommandLine;

/**
 * One attempt of a job, ready to run.
 *
 * @param name the attempt's name ({@code galley-<cluster>-<job>-<attempt>})
 * @param directory the attempt's own, empty job directory ({@link Runner#prepare}); the command's working directory
 * @param resources what the tool asked for, already clamped to the destination's maxima; its walltime
 *     (or the tool's, or the default) is the limit
 */
public record RunRequest(AttemptName name, Path directory, CommandLine commandLine, Resources resources, Destination destination) {
  public RunRequest {
    if (commandLine.argv().isEmpty()) {
      throw new IllegalArgumentException("job " + name.jobId() + ": the command line is empty");
    }
  }

  /** An attempt of the implicit {@code local} destination, with only a walltime: for tests and simple callers. */
  public static RunRequest local(long jobId, int attempt, Path directory, CommandLine commandLine, Optional<Duration> walltime) {
    return new RunRequest(new AttemptName("main", jobId, attempt), directory, commandLine,
        new Resources(1, java.util.OptionalLong.empty(), walltime), Destination.plain(Destination.LOCAL, Destination.LOCAL));
  }

  public long jobId() {
    return name.jobId();
  }

  public int attempt() {
    return name.attempt();
  }

  public Optional<Duration> walltime() {
    return resources.walltime();
  }
}
