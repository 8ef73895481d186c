package org.galley.handler.runner;

import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/** An attempt's work a {@link Runner} started or took back. */
public interface RunningJob {

  /** The runner's id of the work, stored as the job's {@code external_id} (the process group for local, the Slurm job id). */
  String externalId();

  Path directory();

  /**
   * Whether the work runs already. A local process does from its start; a scheduler job may wait
   * in the scheduler's queue first, and then tells its {@link Progress} when it begins.
   */
  boolean runsAlready();

  /** Worker slots of this handler it takes: its cores for a local process, none for a scheduler job. */
  int slots();

  /** Completes once the work stopped, whatever the reason; never completes exceptionally. */
  CompletionStage<RunOutcome> outcome();

  /**
   * Stops the work, children included: politely first, for good after the kill grace. May block for
   * a while; {@link #outcome()} then completes as {@link RunOutcome.Ending#KILLED} unless the work had
   * ended by itself.
   */
  void kill();

  /**
   * Stops watching the work without stopping it, for a runner whose work outlives the handler;
   * {@link #outcome()} then completes as {@link RunOutcome.Ending#DETACHED}. Other work is killed.
   */
  void detach();

  /**
   * Whether the work goes on without this handler watching it (a scheduler job): a stopping handler
   * then lets go of it at once instead of waiting for it to end ({@link #detach()}).
   */
  default boolean outlivesHandler() {
    return false;
  }

  /** The attempt's end is in the job table: forget what kept the work findable (the local runner's marker). Blocks. */
  default void endRecorded() {}
}
