package org.galley.handler.slurm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One sbatch of a job directory that {@link SlurmScript#write} filled.
 *
 * @param name job name; the runner makes it unique per attempt so {@link SlurmCommands#findByName}
 *     can find an attempt whose id was never recorded. No whitespace, no {@code |}.
 * @param directory the job directory: working directory, holds {@code job.sh}, stdout, stderr
 * @param cpus cores per task; 0 leaves it to Slurm (one)
 * @param memMb memory of the job in MB; empty takes Slurm's default, which under
 *     {@code CR_Core_Memory} without {@code DefMemPerCPU} is the whole node's memory
 * @param walltime time limit; Slurm counts whole minutes, so it is rounded up, at least 1
 * @param nativeSpecification operator's extra sbatch options, split on whitespace, after ours
 */
public record Submission(String name, Path directory, Optional<String> partition, int cpus,
    Optional<Long> memMb, Optional<Duration> walltime, String nativeSpecification) {

  public Submission {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(memMb, "memMb");
    Objects.requireNonNull(walltime, "walltime");
    nativeSpecification = nativeSpecification == null ? "" : nativeSpecification;
    // A name with these would break squeue's one-line-per-job output or --name's comma list.
    if (name.isEmpty() || !name.matches("[^\\s|,]+")) {
      throw new IllegalArgumentException("job name must be non-empty without whitespace, '|' or ',': " + name);
    }
    if (cpus < 0) {
      throw new IllegalArgumentException("cpus < 0: " + cpus);
    }
    memMb.ifPresent(m -> {
      if (m <= 0) {
        throw new IllegalArgumentException("memMb <= 0: " + m);
      }
    });
    walltime.ifPresent(w -> {
      if (w.isNegative() || w.isZero()) {
        throw new IllegalArgumentException("walltime <= 0: " + w);
      }
    });
  }

  /** A submission with Slurm's defaults for everything but the name and directory. */
  public static Submission of(String name, Path directory) {
    return new Submission(name, directory, Optional.empty(), 0, Optional.empty(), Optional.empty(), "");
  }

  public Submission withCpus(int n) {
    return new Submission(name, directory, partition, n, memMb, walltime, nativeSpecification);
  }

  public Submission withMemMb(long mb) {
    return new Submission(name, directory, partition, cpus, Optional.of(mb), walltime, nativeSpecification);
  }

  public Submission withWalltime(Duration d) {
    return new Submission(name, directory, partition, cpus, memMb, Optional.of(d), nativeSpecification);
  }

  public Submission withNativeSpecification(String spec) {
    return new Submission(name, directory, partition, cpus, memMb, walltime, spec);
  }
}
