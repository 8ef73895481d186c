package org.galley.handler.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.galley.handler.runner.RunOutcome;

/**
 * Why the handler stopped a job's process group, if it did (KILLED or WALLTIME_EXCEEDED; the first
 * cause wins), and the outcome that follows once the group ended. Shared by the groups this JVM
 * started ({@link LocalRunner}) and those it adopted ({@link AdoptedProcess}). Thread-safe.
 */
final class StopCause {
  private final AtomicReference<RunOutcome.Ending> cause = new AtomicReference<>();

  /** Records {@code why} unless a cause came first; true if this one is the cause. */
  boolean set(RunOutcome.Ending why) {
    return cause.compareAndSet(null, why);
  }

  /**
   * @param code the exit code the group left, or null if none
   * @param lostWhy the info of a job that ended by itself without an exit code
   */
  RunOutcome outcome(Integer code, Optional<Duration> walltime, String lostWhy) {
    return outcome(null, false, code, walltime, lostWhy);
  }

  /**
   * As above for the group of directory {@code dir}: when it left no {@code exit_code} ({@code
   * written} false) and the orphan watchdog marked it killed ({@link OrphanWatchdog#KILLED_MARK}:
   * this JVM was frozen, or downed), the attempt is lost, to run again, whatever else stopped it.
   */
  RunOutcome outcome(Path dir, boolean written, Integer code, Optional<Duration> walltime, String lostWhy) {
    if (dir != null && !written && Files.exists(dir.resolve(OrphanWatchdog.KILLED_MARK))) {
      return new RunOutcome(RunOutcome.Ending.LOST, null,
          "killed by the orphan watchdog: its handler JVM had stopped beating, died or was downed");
    }
    RunOutcome.Ending why = cause.get();
    if (why == RunOutcome.Ending.WALLTIME_EXCEEDED) {
      return new RunOutcome(why, code, "walltime of " + walltime.orElseThrow().toSeconds() + " s exceeded");
    }
    if (why == RunOutcome.Ending.KILLED) {
      return new RunOutcome(why, code, "killed");
    }
    return code == null ? new RunOutcome(RunOutcome.Ending.LOST, null, lostWhy) : RunOutcome.exited(code);
  }
}
