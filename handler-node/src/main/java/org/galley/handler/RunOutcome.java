package org.galley.handler;

/**
 * How an attempt's work stopped.
 *
 * @param exitCode the command's exit code, or the runner's stand-in (128 + signal) when it was killed;
 *     null when unknown
 * @param info why, for people; null for a plain exit
 */
public record RunOutcome(Ending ending, Integer exitCode, String info) {

  /** Why the work stopped. */
  public enum Ending {
    /** The command ended by itself. */
    EXITED,
    /** The runner killed it because it ran longer than the tool's walltime. */
    WALLTIME_EXCEEDED,
    /** Someone called {@link RunningJob#kill()}. */
    KILLED,
    /**
     * An adopted process ended without an exit code nor a kill of ours: killed by someone else,
     * perhaps the orphan watchdog of the handler's previous incarnation just before it was
     * adopted. Its attempt is given back rather than failed, since a restart may have caused it.
     */
    LOST
  }

  public static RunOutcome exited(int exitCode) {
    return new RunOutcome(Ending.EXITED, exitCode, exitCode == 0 ? null : "exit code " + exitCode);
  }

  /** The command ended by itself with exit code 0. */
  public boolean succeeded() {
    return ending == Ending.EXITED && exitCode != null && exitCode == 0;
  }
}
