package org.galley.handler;

import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/** An attempt a {@link Runner} started. */
public interface RunningJob {

  /** The runner's id of the work, stored as the job's {@code external_id} (the process group for local). */
  String externalId();

  Path directory();

  /** Completes once the work stopped, whatever the reason; never completes exceptionally. */
  CompletionStage<RunOutcome> outcome();

  /**
   * Stops the work, children included: politely first, for good after the kill grace. Blocks up to
   * the kill grace; {@link #outcome()} then completes as {@link RunOutcome.Ending#KILLED} unless the
   * work had ended by itself.
   */
  void kill();
}
