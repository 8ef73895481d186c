package org.galley.handler.slurm;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;

/**
 * {@code galley.handler.slurm}: how the handler talks to Slurm.
 *
 * @param pollInterval how often one squeue call looks at every Slurm job the handler watches
 * @param commandTimeout longest wait for one sbatch, squeue or scancel
 * @param slurmConf the slurm.conf the commands read ({@code SLURM_CONF}); empty for Slurm's default
 */
public record SlurmSettings(Duration pollInterval, Duration commandTimeout, String slurmConf) {
  public SlurmSettings {
    if (pollInterval.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("galley.handler.slurm.poll-interval must be positive, got " + pollInterval);
    }
    if (commandTimeout.isZero() || commandTimeout.isNegative()) {
      throw new IllegalArgumentException("galley.handler.slurm.command-timeout must be positive, got " + commandTimeout);
    }
  }

  public static SlurmSettings fromConfig(Config config) {
    Config s = config.getConfig("galley.handler.slurm");
    return new SlurmSettings(s.getDuration("poll-interval"), s.getDuration("command-timeout"), s.getString("slurm-conf"));
  }

  /** The environment of the Slurm commands. */
  public Map<String, String> env() {
    return slurmConf.isEmpty() ? Map.of() : Map.of("SLURM_CONF", slurmConf);
  }
}
