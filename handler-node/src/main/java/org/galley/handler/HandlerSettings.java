package org.galley.handler;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import org.galley.handler.local.LocalRunner;
import org.galley.handler.slurm.SlurmSettings;

/**
 * How this node's handler runs jobs ({@code galley.handler.*}).
 *
 * @param workers jobs run at once
 * @param jobsDir absolute directory holding one directory per job attempt
 * @param cancelCheckInterval how often the table is checked for this handler's {@code deleting} jobs
 * @param killGrace time between SIGTERM and SIGKILL of a job's process group; zero kills at once
 * @param shutdownGrace how long a graceful stop lets running jobs end by themselves before it kills
 *     and gives back the rest
 * @param orphanTimeout how old the heartbeat may get before the orphan watchdog kills the jobs of a
 *     JVM that died
 * @param processLauncher how the local runner starts processes
 * @param clusterName names this Galley cluster in scheduler job names, {@code galley-<name>-<job>-<attempt>}
 * @param slurm how the Slurm runner talks to Slurm
 */
public record HandlerSettings(int workers, Path jobsDir, Duration cancelCheckInterval, Duration killGrace,
    Duration shutdownGrace, Duration orphanTimeout, LocalRunner.ProcessLauncher processLauncher, String clusterName,
    SlurmSettings slurm) {

  /** Slurm's defaults: a 1 s poll, 30 s per command, Slurm's own slurm.conf. */
  public static final SlurmSettings SLURM_DEFAULTS = new SlurmSettings(Duration.ofSeconds(1), Duration.ofSeconds(30), "");

  /** For callers without schedulers (tests): cluster name {@code main}, Slurm's defaults. */
  public HandlerSettings(int workers, Path jobsDir, Duration cancelCheckInterval, Duration killGrace,
      Duration shutdownGrace, Duration orphanTimeout, LocalRunner.ProcessLauncher processLauncher) {
    this(workers, jobsDir, cancelCheckInterval, killGrace, shutdownGrace, orphanTimeout, processLauncher, "main",
        SLURM_DEFAULTS);
  }

  /** What the stop needs beyond the graces: a few database writes per job and a margin. */
  static final Duration STOP_MARGIN = Duration.ofSeconds(3);
  /** The JVM beats every second; a timeout this short would take a busy second for a frozen JVM. */
  static final Duration MIN_ORPHAN_TIMEOUT = Duration.ofSeconds(2);

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
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("galley.handler.shutdown-grace must not be negative, got " + shutdownGrace);
    }
    new org.galley.handler.runner.AttemptName(clusterName, 1, 1); // checks the name
    if (orphanTimeout.compareTo(MIN_ORPHAN_TIMEOUT) <= 0) {
      throw new IllegalArgumentException("galley.handler.orphan-timeout must be more than "
          + MIN_ORPHAN_TIMEOUT.toSeconds() + " s (the JVM beats every second), got " + orphanTimeout);
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
        h.getDuration("kill-grace"),
        h.getDuration("shutdown-grace"),
        h.getDuration("orphan-timeout"),
        LocalRunner.ProcessLauncher.of(h.getString("process-launcher")),
        h.getString("cluster-name"),
        SlurmSettings.fromConfig(config));
  }

  /**
   * Checks that a stop fits the coordinated-shutdown phase it runs in: the shutdown grace, then the
   * kill grace of the jobs still running, then {@link #STOP_MARGIN} for giving them back.
   *
   * @param phase the phase's name, for the message
   * @throws IllegalArgumentException saying which settings to change, if it does not fit
   */
  public void requireStopFits(String phase, Duration phaseTimeout) {
    Duration needed = shutdownGrace.plus(killGrace).plus(STOP_MARGIN);
    if (needed.compareTo(phaseTimeout) > 0) {
      throw new IllegalArgumentException("galley.handler.shutdown-grace (" + shutdownGrace.toMillis() + " ms) + kill-grace ("
          + killGrace.toMillis() + " ms) + " + STOP_MARGIN.toSeconds() + " s to give jobs back do not fit in the "
          + phaseTimeout.toMillis() + " ms of pekko.coordinated-shutdown.phases." + phase
          + ".timeout: raise that timeout or lower the graces");
    }
  }
}
