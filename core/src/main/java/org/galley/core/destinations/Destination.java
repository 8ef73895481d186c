package org.galley.core.destinations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where a job runs (Galaxy's job_conf environment): a runner and its parameters. Checked here so
 * that destinations built in code meet the same bar as configured ones; every message names the
 * key under {@code galley.destinations.NAME} that an operator must fix.
 *
 * @param runner {@code local}, {@code noop} or {@code slurm}
 * @param partition slurm only: the partition ({@code -p}); empty for the cluster's default
 * @param nativeSpecification slurm only: operator text passed to Slurm unchanged; "" for none
 * @param env variables set for the job's process, over the handler's own environment
 * @param maxCores most cores a tool may get here; a request above is lowered to it
 * @param maxMemMb most memory in MiB a tool may get here
 * @param maxWalltime longest walltime a tool may get here
 * @param jobsDir slurm only: job directories, on a file system the compute nodes share
 * @param resubmit rules tried in order when an attempt here ends in a matching way
 */
public record Destination(
    String name,
    String runner,
    Optional<String> partition,
    String nativeSpecification,
    Map<String, String> env,
    OptionalInt maxCores,
    OptionalLong maxMemMb,
    Optional<Duration> maxWalltime,
    Optional<Path> jobsDir,
    List<ResubmitRule> resubmit) {

  public static final String LOCAL = "local";
  public static final String NOOP = "noop";
  public static final String SLURM = "slurm";
  public static final List<String> RUNNERS = List.of(LOCAL, NOOP, SLURM);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public Destination {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("galley.destinations." + name
          + ": invalid destination name (1 to 100 letters, digits, '_' or '-')");
    }
    String at = key(name, "");
    require(RUNNERS.contains(runner), at + "runner: unknown runner '" + runner + "' (local, noop, slurm)");
    Objects.requireNonNull(nativeSpecification, at + "native-specification");
    partition.ifPresent(p -> require(!p.isBlank() && p.chars().noneMatch(Character::isWhitespace),
        at + "partition: must be one word, got '" + p + "'"));
    env.keySet().forEach(k -> require(ENV_NAME.matcher(k).matches(), at + "env." + k + ": not a variable name"));
    maxCores.ifPresent(n -> require(n > 0, at + "max-cores: must be positive, got " + n));
    maxMemMb.ifPresent(n -> require(n > 0, at + "max-mem: must be positive, got " + n + " MB"));
    maxWalltime.ifPresent(w -> require(!w.isNegative() && !w.isZero(), at + "max-walltime: must be positive, got " + w));
    if (!runner.equals(SLURM)) {
      // A partition on a local destination would otherwise be read and silently do nothing.
      require(partition.isEmpty(), at + "partition: only for runner = slurm");
      require(nativeSpecification.isEmpty(), at + "native-specification: only for runner = slurm");
      require(jobsDir.isEmpty(), at + "jobs-dir: only for runner = slurm");
    } else {
      require(jobsDir.isPresent(), at + "jobs-dir: a slurm destination needs one");
    }
    jobsDir.ifPresent(d -> require(d.isAbsolute(), at + "jobs-dir: must be absolute, got " + d));
    env = java.util.Collections.unmodifiableMap(new TreeMap<>(env));
    resubmit = List.copyOf(resubmit);
  }

  /** A runner of that name and nothing else: the implicit {@code local} and {@code noop}. */
  public static Destination plain(String name, String runner) {
    return new Destination(name, runner, Optional.empty(), "", Map.of(), OptionalInt.empty(), OptionalLong.empty(),
        Optional.empty(), Optional.empty(), List.of());
  }

  /** The config path of one of a destination's keys, for messages: {@code galley.destinations.big.max-mem: }. */
  static String key(String destination, String key) {
    return "galley.destinations." + destination + (key.isEmpty() ? "." : "." + key + ": ");
  }

  /** One line for the start log. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add(name + ": " + runner);
    partition.ifPresent(p -> parts.add("partition=" + p));
    if (!nativeSpecification.isEmpty()) {
      parts.add("native-specification=\"" + nativeSpecification + "\"");
    }
    if (!env.isEmpty()) {
      // Names only: values may be credentials, and the start log is read by many.
      parts.add("env=" + env.keySet());
    }
    maxCores.ifPresent(n -> parts.add("max-cores=" + n));
    maxMemMb.ifPresent(n -> parts.add("max-mem=" + n + "MB"));
    maxWalltime.ifPresent(w -> parts.add("max-walltime=" + w));
    jobsDir.ifPresent(d -> parts.add("jobs-dir=" + d));
    if (!resubmit.isEmpty()) {
      parts.add("resubmit=" + resubmit);
    }
    return String.join(" ", parts);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
