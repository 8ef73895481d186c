package org.galley.handler.runner;


/**
 * The name of one attempt of a job, {@code galley-<cluster>-<job id>-<attempt>}: what a scheduler
 * job is called, so that an attempt can be found there even if its handler died before it
 * recorded the scheduler's id. The attempt is the one it was started under; an adopted attempt
 * keeps its name while the table's attempt moves on.
 */
public record AttemptName(String cluster, long jobId, int attempt) {
  /** Compiled once: a name is made for every start of a job. */
  private static final java.util.regex.Pattern CLUSTER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.]+");

  public AttemptName {
    if (!CLUSTER_NAME.matcher(cluster).matches()) {
      throw new IllegalArgumentException("cluster name must be letters, digits, '_' or '.', got '" + cluster + "'");
    }
  }

  /** The name as the scheduler and the job table's {@code external_name} hold it. */
  public String value() {
    return "galley-" + cluster + "-" + jobId + "-" + attempt;
  }

  @Override
  public String toString() {
    return value();
  }
}
