package org.galley.handler.runner;


/**
 * How an attempt's work stopped.
 *
 * @param exitCode the command's exit code, or the runner's stand-in (128 + signal) when it was killed;
 *     null when unknown
 * @param info why, for people; null for a plain exit
 * @param usage what the work used, as far as the runner saw
 */
public record RunOutcome(Ending ending, Integer exitCode, String info, ResourceUsage usage) {

  public RunOutcome(Ending ending, Integer exitCode, String info) {
    this(ending, exitCode, info, ResourceUsage.NONE);
  }

  public RunOutcome withUsage(ResourceUsage u) {
    return new RunOutcome(ending, exitCode, info, u);
  }

  /** Two outcomes are the same end whatever their usage reports say: usage is a measurement, not the end. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RunOutcome r && ending == r.ending && java.util.Objects.equals(exitCode, r.exitCode)
        && java.util.Objects.equals(info, r.info);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(ending, exitCode, info);
  }

  /** Why the work stopped. */
  public enum Ending {
    /** The command ended by itself: {@code ok} for exit code 0, else {@code error}. */
    EXITED,
    /** It ran longer than its walltime and was stopped: {@code error}; resubmit condition {@code walltime}. */
    WALLTIME_EXCEEDED,
    /** It used more memory than it was given and was stopped: {@code error}; resubmit condition {@code memory}. */
    MEMORY_EXCEEDED,
    /** It failed for a reason outside the command (cancelled by someone else, lost by the scheduler): {@code error}. */
    FAILED,
    /** Someone called {@link RunningJob#kill()}. */
    KILLED,
    /**
     * It ended without a trace of how, for a reason that was not the job's: an adopted process
     * killed by someone else (perhaps the orphan watchdog of the handler's previous incarnation),
     * a scheduler node that failed or a preemption. Given back (run again under the next attempt)
     * rather than failed.
     */
    LOST,
    /**
     * The handler stopped watching ({@link RunningJob#detach()}); the work goes on, to be adopted
     * by another handler (or this one after its restart).
     */
    DETACHED
  }

  public static RunOutcome exited(int exitCode) {
    return new RunOutcome(Ending.EXITED, exitCode, exitCode == 0 ? null : "exit code " + exitCode);
  }

  /** The command ended by itself with exit code 0. */
  public boolean succeeded() {
    return ending == Ending.EXITED && exitCode != null && exitCode == 0;
  }
}
