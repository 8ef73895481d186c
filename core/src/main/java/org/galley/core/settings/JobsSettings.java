package org.galley.core.settings;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code galley.jobs}: how jobs reach handlers, how often they may be retried, and when the jobs
 * of a handler that left the cluster are handed back.
 */
public record JobsSettings(
    String assignWith,
    int maxAttempts,
    Duration sweepInterval,
    Duration requeueDelay,
    Duration orphanGuard,
    Duration reconcileGrace,
    Duration reconcileInterval) {

  public JobsSettings {
    if (!assignWith.equals("cluster")) {
      throw new IllegalArgumentException("galley.jobs.assign-with: supported: cluster; got '" + assignWith + "'");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("galley.jobs.max-attempts: at least 1, got " + maxAttempts);
    }
    atLeast("sweep-interval", sweepInterval, Duration.ofMillis(10));
    atLeast("requeue-delay", requeueDelay, Duration.ZERO);
    atLeast("orphan-guard", orphanGuard, Duration.ZERO);
    atLeast("reconcile-grace", reconcileGrace, Duration.ZERO);
    atLeast("reconcile-interval", reconcileInterval, Duration.ofSeconds(1));
  }

  public static JobsSettings fromConfig(Config config) {
    Config c = config.getConfig("galley.jobs");
    return new JobsSettings(c.getString("assign-with"), c.getInt("max-attempts"), c.getDuration("sweep-interval"),
        c.getDuration("requeue-delay"), c.getDuration("orphan-guard"), c.getDuration("reconcile-grace"),
        c.getDuration("reconcile-interval"));
  }

  private static void atLeast(String key, Duration value, Duration min) {
    if (value.compareTo(min) < 0) {
      throw new IllegalArgumentException("galley.jobs." + key + ": at least " + min + ", got " + value);
    }
  }
}
