package org.galley.handler.slurm;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One job as squeue lists it.
 *
 * @param state Slurm's state name, normalized to its first word ({@code CANCELLED by 0} and
 *     {@code CANCELLED+} become {@code CANCELLED})
 * @param reason squeue's reason: why a job waits ({@code Resources}, {@code Priority},
 *     {@code JobHeldUser}, {@code BeginTime}) or how it ended ({@code NonZeroExitCode},
 *     {@code TimeLimit}); {@code None} otherwise
 * @param startTime when it started; empty while pending (squeue's estimate is not a start) and
 *     for a job that never ran (cancelled while pending)
 */
public record SlurmJob(long id, String name, String state, String reason, Optional<Instant> startTime) {

  /** States after which the job will not run again (without an explicit requeue). */
  static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT",
      "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED");

  public boolean terminal() {
    return TERMINAL.contains(state);
  }

  public boolean pending() {
    return state.equals("PENDING");
  }

  /** "CANCELLED by 0", "CANCELLED+", "completed" → "CANCELLED", "CANCELLED", "COMPLETED". */
  static String normalizeState(String raw) {
    String s = raw.strip();
    int space = s.indexOf(' ');
    if (space >= 0) {
      s = s.substring(0, space);
    }
    while (s.endsWith("+")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.toUpperCase(java.util.Locale.ROOT);
  }
}
