package org.galley.handler.noop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.galley.core.destinations.Destination;
import org.galley.handler.runner.AttemptName;
import org.galley.handler.runner.JobDirectories;
import org.galley.handler.runner.Progress;
import org.galley.handler.runner.RecoverRequest;
import org.galley.handler.runner.Recovered;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunRequest;
import org.galley.handler.runner.Runner;
import org.galley.handler.runner.RunningJob;

/**
 * A runner that starts nothing: the attempt ends at once with exit code 0. For tests, benchmarks
 * and internal tools whose work is only the job row itself. It goes through the same claim,
 * {@code markRunning} and {@code finish} steps as the local runner, so it measures and exercises
 * everything of a job but the process. The tool's argv is ignored; the attempt's directory is still
 * made (empty), so the job looks like any other to the API. A running no-op attempt of a lost or
 * restarted handler is gone, like any attempt without an exit code, and runs again.
 */
public final class NoopRunner implements Runner {
  public static final String NAME = "noop";
  /** Stored as the job's {@code external_id}: there is no process to name. */
  public static final String EXTERNAL_ID = "noop";

  private final JobDirectories directories;

  public NoopRunner(JobDirectories directories) {
    this.directories = directories;
  }

  /** For callers that make their directories themselves (tests). */
  public NoopRunner() {
    this(null);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean outlivesHandler() {
    return false;
  }

  @Override
  public Path prepare(AttemptName attempt, Destination destination) throws IOException {
    return directories.prepare(attempt.jobId(), attempt.attempt());
  }

  @Override
  public RunningJob start(RunRequest request, Progress progress) {
    return new Done(request.directory());
  }

  @Override
  public Recovered recover(RecoverRequest request, Progress progress) {
    return new Recovered.Gone("a no-op attempt leaves nothing to take back");
  }

  /** Work that ended before anyone could look. */
  private record Done(Path directory) implements RunningJob {
    private static final CompletableFuture<RunOutcome> EXITED_OK = CompletableFuture.completedFuture(RunOutcome.exited(0));

    @Override
    public String externalId() {
      return EXTERNAL_ID;
    }

    @Override
    public boolean runsAlready() {
      return true;
    }

    @Override
    public int slots() {
      return 1;
    }

    @Override
    public CompletionStage<RunOutcome> outcome() {
      return EXITED_OK;
    }

    @Override
    public void kill() {
      // Nothing runs; a cancel that arrives now finds the attempt already ended.
    }

    @Override
    public void detach() {
      // Nothing runs.
    }
  }
}
