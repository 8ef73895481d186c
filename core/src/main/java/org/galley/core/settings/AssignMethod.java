package org.galley.core.settings;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Galaxy's handler assignment methods, plus Galley's {@code cluster}; see the top README. */
public enum AssignMethod {
  /** A dispatcher per pool hands jobs to live handlers with free slots. */
  CLUSTER("cluster"),
  /** Handlers claim new jobs of their pools with FOR UPDATE SKIP LOCKED. */
  DB_SKIP_LOCKED("db-skip-locked"),
  /** The same claim in a SERIALIZABLE transaction, serialization failures retried. */
  DB_TRANSACTION_ISOLATION("db-transaction-isolation"),
  /** The web node presets a random static handler of the pool. */
  DB_PREASSIGN("db-preassign"),
  /** The receiving process presets itself. */
  DB_SELF("db-self"),
  /** As db-self, and the local handler is told in memory. */
  MEM_SELF("mem-self");

  private final String configName;

  AssignMethod(String configName) {
    this.configName = configName;
  }

  /** The name in configuration and in the job table's {@code assign_with}. */
  public String configName() {
    return configName;
  }

  /** Whether handlers find these jobs by claiming from the table themselves (no dispatcher). */
  public boolean handlerPolls() {
    return this != CLUSTER;
  }

  public static AssignMethod fromConfig(String name) {
    for (AssignMethod m : values()) {
      if (m.configName.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("galley.jobs.assign-with: unknown method '" + name + "'; known: "
        + Arrays.stream(values()).map(AssignMethod::configName).collect(Collectors.joining(", ")));
  }
}
