package org.galley.core.destinations;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Galaxy's {@code resubmit} entry of an environment: when an attempt at a destination ends for
 * {@code condition}, the job is queued again at {@code destination} after {@code delay}. Attempts
 * stay bounded by {@code galley.jobs.max-attempts}, so a rule that points back is no loop.
 */
public record ResubmitRule(Condition condition, String destination, Duration delay) {

  /** Why an attempt ended, as far as a resubmit rule cares. */
  public enum Condition {
    /** The runner saw the memory limit reached (Galaxy's memory_limit_reached). */
    MEMORY,
    /** The walltime was reached (Galaxy's walltime_reached). */
    WALLTIME,
    /** Any other failure (Galaxy's unknown_error). */
    FAILURE;

    /** The config spelling: {@code memory}, {@code walltime}, {@code failure}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Condition fromConfig(String value, String key) {
      for (Condition c : values()) {
        if (c.configName().equals(value)) {
          return c;
        }
      }
      throw new IllegalArgumentException(key + ": unknown condition '" + value + "' (memory, walltime, failure)");
    }
  }

  public ResubmitRule {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay: must be >= 0, got " + delay);
    }
  }

  @Override
  public String toString() {
    return condition.configName() + " -> " + destination + (delay.isZero() ? "" : " after " + delay);
  }
}
