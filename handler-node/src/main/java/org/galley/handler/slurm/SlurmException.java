package org.galley.handler.slurm;


/**
 * A Slurm command failed. {@link #unreachable()} tells "the controller could not be contacted"
 * (slurmctld down, restarting or too slow) from a refusal or a bug: a caller keeps its jobs as
 * they were while the scheduler is unreachable rather than reading the silence as "job gone".
 */
public final class SlurmException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean unreachable;

  public SlurmException(String message, boolean unreachable) {
    super(message);
    this.unreachable = unreachable;
  }

  public SlurmException(String message, boolean unreachable, Throwable cause) {
    super(message, cause);
    this.unreachable = unreachable;
  }

  /** True when the command could not reach slurmctld, or gave no answer within its timeout. */
  public boolean unreachable() {
    return unreachable;
  }
}
