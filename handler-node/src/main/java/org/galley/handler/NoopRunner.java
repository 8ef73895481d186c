package org.galley.handler;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A runner that starts nothing: the attempt ends at once with exit code 0. For tests, benchmarks
 * and internal tools whose work is only the job row itself. It goes through the same claim,
 * {@code markRunning} and {@code finish} steps as {@link LocalRunner}, so it measures and exercises
 * everything of a job but the process. The tool's argv is ignored; the attempt's directory is still
 * made (empty), so the job looks like any other to the API and to {@link Recovery}, which requeues a
 * running no-op attempt of a lost handler like any attempt without an exit code.
 */
public final class NoopRunner implements Runner {
  public static final String NAME = "noop";
  /** Stored as the job's {@code external_id}: there is no process to name. */
  static final String EXTERNAL_ID = "noop";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public RunningJob start(RunRequest request) {
    return new Done(request.directory());
  }

  /** Work that ended before anyone could look. */
  private record Done(Path directory) implements RunningJob {
    private static final CompletableFuture<RunOutcome> EXITED_OK = CompletableFuture.completedFuture(RunOutcome.exited(0));

    @Override
    public String externalId() {
      return EXTERNAL_ID;
    }

    @Override
    public CompletionStage<RunOutcome> outcome() {
      return EXITED_OK;
    }

    @Override
    public void kill() {
      // Nothing runs; a cancel that arrives now finds the attempt already ended.
    }
  }
}
