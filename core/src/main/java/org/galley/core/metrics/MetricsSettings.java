package org.galley.core.metrics;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code galley.metrics}: what {@code /metrics} costs the database.
 *
 * @param jobCountsInterval how often {@link JobCounts} counts the job table
 */
public record MetricsSettings(Duration jobCountsInterval) {
  public MetricsSettings {
    if (jobCountsInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("galley.metrics.job-counts-interval: at least 1s (each count reads the"
          + " whole job table), got " + jobCountsInterval);
    }
  }

  public static MetricsSettings fromConfig(Config config) {
    return new MetricsSettings(config.getDuration("galley.metrics.job-counts-interval"));
  }
}
