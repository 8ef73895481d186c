package org.galley.core.settings;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code galley.jobs}: how jobs reach handlers, how often they may be retried, when the jobs of a
 * handler that left the cluster are handed back, and the walltime of tools that set none.
 *
 * @param assignWith assignment methods in the order they are tried for each job
 * @param walltime walltime of jobs whose tool sets none; empty for no limit
 * @param outputSize most bytes a running job's working directory may hold; empty for no limit
 */
public record JobsSettings(
    List<AssignMethod> assignWith,
    int maxAttempts,
    Duration sweepInterval,
    Duration requeueDelay,
    Duration orphanGuard,
    Duration reconcileGrace,
    Duration reconcileInterval,
    Optional<Duration> walltime,
    Optional<Long> outputSize) {

  public JobsSettings {
    if (assignWith.isEmpty()) {
      throw new IllegalArgumentException("galley.jobs.assign-with: name at least one method, e.g. cluster");
    }
    assignWith = List.copyOf(assignWith);
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
    List<AssignMethod> methods = ConfigLists.names(c, "assign-with").stream().map(AssignMethod::fromConfig).toList();
    Duration walltime = c.getDuration("walltime");
    if (walltime.isNegative()) {
      throw new IllegalArgumentException("galley.jobs.walltime: a duration >= 0 (0: none), got " + walltime);
    }
    long outputSize = c.getBytes("output-size");
    if (outputSize < 0) {
      throw new IllegalArgumentException("galley.jobs.output-size: a size >= 0 (0: none), got " + outputSize);
    }
    return new JobsSettings(methods, c.getInt("max-attempts"), c.getDuration("sweep-interval"),
        c.getDuration("requeue-delay"), c.getDuration("orphan-guard"), c.getDuration("reconcile-grace"),
        c.getDuration("reconcile-interval"), walltime.isZero() ? Optional.empty() : Optional.of(walltime),
        outputSize == 0 ? Optional.empty() : Optional.of(outputSize));
  }

  /** Whether handlers claim from the table by themselves for some method (all but cluster). */
  public boolean handlersPoll() {
    return assignWith.stream().anyMatch(AssignMethod::handlerPolls);
  }

  private static void atLeast(String key, Duration value, Duration min) {
    if (value.compareTo(min) < 0) {
      throw new IllegalArgumentException("galley.jobs." + key + ": at least " + min + ", got " + value);
    }
  }
}
