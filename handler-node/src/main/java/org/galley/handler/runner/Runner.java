package org.galley.handler.runner;

import java.io.IOException;
import java.nio.file.Path;
import org.galley.core.destinations.Destination;

/**
 * One way to run an attempt's work, shaped like a scheduler driver (Nomad's task drivers are the
 * model): start it, watch many at once, stop it, take it back from what the job table recorded,
 * and say what it used ({@link RunOutcome#usage()}). The handler never asks which runner it holds: {@code local} runs processes
 * on this node, {@code noop} nothing, {@code slurm} submits to a cluster scheduler. Implementations
 * block (files, processes, scheduler commands): call them from the blocking dispatcher.
 */
public interface Runner {

  /** The name destinations choose it by ({@code runner = ...}) and the job row records. */
  String name();

  /**
   * Whether its work outlives the handler that started it (a scheduler job does; a local process
   * group dies with its handler's orphan watchdog). Such an attempt is not requeued when its handler
   * is lost or stops, but released under the next attempt for another handler of the pool to
   * adopt ({@link #recover}), so it is never run twice.
   */
  boolean outlivesHandler();

  /** Makes the attempt's directory, empty, and returns it; the tool's files go there. Blocks. */
  Path prepare(AttemptName attempt, Destination destination) throws IOException;

  /**
   * Starts (or submits) the work of a request whose directory {@link #prepare} made. Once this
   * returns, the work exists and {@link RunningJob#outcome()} will complete; {@code progress} hears
   * when it begins to run and why it waits.
   *
   * @throws IOException if nothing could be started; nothing is left running then
   */
  RunningJob start(RunRequest request, Progress progress) throws IOException;

  /** {@link #start(RunRequest, Progress)} for a caller that listens to nothing. */
  default RunningJob start(RunRequest request) throws IOException {
    return start(request, Progress.NONE);
  }

  /**
   * Finds the work of an attempt the table says runs (or ran) under this runner, after a restart of
   * its handler or when another handler adopts it: still there (watched from now on), ended
   * meanwhile (how), or gone. Never starts anything.
   */
  Recovered recover(RecoverRequest request, Progress progress);
}
