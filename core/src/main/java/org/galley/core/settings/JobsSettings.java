package org.galley.core.settings;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code galley.jobs}: how jobs reach handlers and how often they may be retried. */
public record JobsSettings(String assignWith, int maxAttempts, Duration sweepInterval) {

  public JobsSettings {
    if (!assignWith.equals("cluster")) {
      throw new IllegalArgumentException("galley.jobs.assign-with: supported: cluster; got '" + assignWith + "'");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("galley.jobs.max-attempts: at least 1, got " + maxAttempts);
    }
    if (sweepInterval.toMillis() < 10) {
      throw new IllegalArgumentException("galley.jobs.sweep-interval: at least 10ms, got " + sweepInterval);
    }
  }

  public static JobsSettings fromConfig(Config config) {
    Config c = config.getConfig("galley.jobs");
    return new JobsSettings(c.getString("assign-with"), c.getInt("max-attempts"), c.getDuration("sweep-interval"));
  }
}
