package org.galley.handler;

import java.io.IOException;

/**
 * Turns one attempt of a job into work and watches it. {@link LocalRunner} runs processes on this
 * node; a cluster scheduler (Slurm and the like) would submit instead and poll for the end.
 * Implementations block: call them from the blocking dispatcher.
 */
public interface Runner {

  /** The name tools choose it by ({@code Tool.runner()}) and the job row records. */
  String name();

  /**
   * Writes the request's files into its directory (which exists and is empty) and starts the
   * command. Once this returns, the work runs and {@link RunningJob#outcome()} will complete.
   *
   * @throws IOException if nothing could be started; nothing is left running then
   */
  RunningJob start(RunRequest request) throws IOException;
}
