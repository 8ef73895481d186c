package org.galley.handler.slurm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.galley.handler.runner.RunOutcome.Ending;
import org.galley.handler.runner.RunOutcome;

/**
 * How a Slurm job's end reads as an attempt's outcome. Unlike Galaxy's runners, nothing is ever
 * {@code ok} that Galley did not see end with exit code 0 in the job's own {@code exit_code} file: a
 * job Slurm forgot without leaving one was lost by the scheduler, an error.
 */
final class SlurmOutcomes {
  /** What slurmstepd writes into the job's stderr when OverMemoryKill (or cgroups) stops it. */
  static final String MEMORY_TEXT = "Exceeded job memory limit";
  private static final int STDERR_TAIL = 64 * 1024;

  private SlurmOutcomes() {}

  /**
   * The outcome of a job Slurm lists in a terminal state.
   *
   * @param killedByUs the handler cancelled it (a cancel, or a stop of the handler)
   */
  static RunOutcome ofTerminal(SlurmJob job, Path dir, boolean killedByUs) {
    Optional<Integer> code = exitCode(dir);
    return switch (job.state()) {
      case "COMPLETED" -> code.map(RunOutcome::exited).orElseGet(() -> new RunOutcome(Ending.FAILED, null,
          "Slurm job " + job.id() + " COMPLETED but left no exit code"));
      case "TIMEOUT", "DEADLINE" -> new RunOutcome(Ending.WALLTIME_EXCEEDED, code.orElse(null),
          "walltime exceeded: Slurm job " + job.id() + " ended " + job.state());
      case "OUT_OF_MEMORY" -> memory(job, code);
      case "NODE_FAIL", "PREEMPTED", "BOOT_FAIL" -> new RunOutcome(Ending.LOST, null,
          "Slurm job " + job.id() + " ended " + job.state() + ", not by its own doing");
      case "CANCELLED" -> killedByUs ? new RunOutcome(Ending.KILLED, code.orElse(null), "killed")
          : memoryKilled(dir) ? memory(job, code)
          : new RunOutcome(Ending.FAILED, code.orElse(null), "Slurm job " + job.id() + " was cancelled by someone else");
      default -> memoryKilled(dir) ? memory(job, code)
          : code.map(RunOutcome::exited).orElseGet(() -> new RunOutcome(Ending.FAILED, null,
              "Slurm job " + job.id() + " ended " + job.state() + " (" + job.reason() + ") without an exit code"));
    };
  }

  /** A job Slurm no longer lists: its exit code file says how it ended, or it was lost. */
  static RunOutcome ofVanished(long id, Path dir, boolean killedByUs) {
    Optional<Integer> code = exitCode(dir);
    if (code.isPresent()) {
      return memoryKilled(dir) ? new RunOutcome(Ending.MEMORY_EXCEEDED, code.get(), "memory limit exceeded (Slurm job " + id + ")")
          : RunOutcome.exited(code.get());
    }
    return killedByUs ? new RunOutcome(Ending.KILLED, null, "killed")
        : new RunOutcome(Ending.FAILED, null, "lost by the scheduler: Slurm no longer knows job " + id
            + " and it left no exit code");
  }

  private static RunOutcome memory(SlurmJob job, Optional<Integer> code) {
    return new RunOutcome(Ending.MEMORY_EXCEEDED, code.orElse(null), "memory limit exceeded: Slurm job " + job.id()
        + " ended " + job.state());
  }

  static Optional<Integer> exitCode(Path dir) {
    try {
      return SlurmScript.exitCode(dir);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether Slurm wrote that it stopped the job for its memory, in the last part of its stderr. */
  static boolean memoryKilled(Path dir) {
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SlurmScript.STDERR).toFile(), "r")) {
      long from = Math.max(0, f.length() - STDERR_TAIL);
      byte[] tail = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(tail);
      return new String(tail, StandardCharsets.UTF_8).contains(MEMORY_TEXT);
    } catch (IOException e) {
      return false;
    }
  }
}
