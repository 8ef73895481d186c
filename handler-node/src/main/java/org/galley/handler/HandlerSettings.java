package org.galley.handler;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How this node's handler runs jobs ({@code galley.handler.*}).
 *
 * @param workers jobs run at once
 * @param jobsDir absolute directory holding one directory per job attempt
 * @param cancelCheckInterval how often the table is checked for this handler's {@code deleting} jobs
 * @param killGrace time between SIGTERM and SIGKILL of a job's process group; zero kills at once
 */
public record HandlerSettings(int workers, Path jobsDir, Duration cancelCheckInterval, Duration killGrace) {

  public HandlerSettings {
    if (workers < 1) {
      throw new IllegalArgumentException("galley.handler.workers must be at least 1, got " + workers);
    }
    if (!jobsDir.isAbsolute()) {
      throw new IllegalArgumentException("galley.handler.jobs-dir must be absolute here, got " + jobsDir);
    }
    if (cancelCheckInterval.isNegative() || cancelCheckInterval.isZero()) {
      throw new IllegalArgumentException(
          "galley.handler.cancel-check-interval must be positive, got " + cancelCheckInterval);
    }
    if (killGrace.isNegative()) {
      throw new IllegalArgumentException("galley.handler.kill-grace must not be negative, got " + killGrace);
    }
  }

  /** Reads {@code galley.handler}; an empty jobs-dir means {@code <galley.var-dir>/jobs}. */
  public static HandlerSettings fromConfig(Config config) {
    Config h = config.getConfig("galley.handler");
    String dir = h.getString("jobs-dir");
    Path jobsDir = dir.isBlank()
        ? Path.of(config.getString("galley.var-dir"), "jobs")
        : Path.of(dir);
    return new HandlerSettings(
        h.getInt("workers"),
        jobsDir.toAbsolutePath().normalize(),
        h.getDuration("cancel-check-interval"),
        h.getDuration("kill-grace"));
  }
}
