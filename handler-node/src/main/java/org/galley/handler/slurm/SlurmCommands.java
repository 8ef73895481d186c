package org.galley.handler.slurm;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Slurm command-line tools (sbatch, squeue, scancel, scontrol), run as argv lists with an
 * environment (e.g. {@code SLURM_CONF}) and a timeout per call. Every method blocks for as long as
 * a tool runs: callers run them off actor threads. See package-info for what Slurm answers.
 */
public final class SlurmCommands {
  /**
   * Fields of one squeue line: id, state, start, node list, reason, name. The name comes last so
   * that nothing in it can shift the others; the node list tells a job that ran from one cancelled
   * while pending, to which squeue gives the cancel time as start time.
   */
  static final String SQUEUE_FORMAT = "%i|%T|%S|%N|%r|%j";

  private final Map<String, String> env;
  private final Duration timeout;
  private final ZoneId zone;

  /** @param env added to each tool's environment; @param timeout most time one call may take */
  public SlurmCommands(Map<String, String> env, Duration timeout) {
    this(env, timeout, ZoneId.systemDefault());
  }

  /** @param zone the zone squeue prints times in (slurmctld's local time, without zone) */
  public SlurmCommands(Map<String, String> env, Duration timeout, ZoneId zone) {
    this.env = Map.copyOf(env);
    this.timeout = Objects.requireNonNull(timeout);
    this.zone = zone;
  }

  /** Submits {@code directory/job.sh}; returns Slurm's job id. */
  public long submit(Submission s) throws SlurmException {
    CommandRun.Result r = CommandRun.run(sbatchArgv(s), env, timeout);
    if (!r.ok()) {
      throw r.failure("sbatch");
    }
    return parseJobId(r.stdout(), r.argv());
  }

  static List<String> sbatchArgv(Submission s) {
    String dir = s.directory().toAbsolutePath().toString();
    List<String> argv = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + s.name(),
        "--chdir=" + dir, "--output=" + dir + "/stdout", "--error=" + dir + "/stderr", "--no-requeue"));
    s.partition().ifPresent(p -> argv.add("--partition=" + p));
    if (s.cpus() > 0) {
      argv.add("--cpus-per-task=" + s.cpus());
    }
    s.memMb().ifPresent(m -> argv.add("--mem=" + m + "M"));
    s.walltime().ifPresent(w -> argv.add("--time=" + Math.max(1, (w.toMillis() + 59_999) / 60_000)));
    for (String token : s.nativeSpecification().strip().split("\\s+")) {
      if (!token.isEmpty()) {
        argv.add(token);
      }
    }
    argv.add(dir + "/" + SlurmScript.JOB_SCRIPT);
    return argv;
  }

  /** {@code --parsable} prints {@code id} or {@code id;cluster}. */
  static long parseJobId(String stdout, List<String> argv) throws SlurmException {
    String line = stdout.strip();
    int semi = line.indexOf(';');
    String id = semi < 0 ? line : line.substring(0, semi);
    try {
      return Long.parseLong(id.strip());
    } catch (NumberFormatException e) {
      throw new SlurmException(String.join(" ", argv) + " printed no job id: '" + line + "'", false);
    }
  }

  /** Every job slurmctld knows, in every state, from one squeue call. */
  public Map<Long, SlurmJob> jobs() throws SlurmException {
    Map<Long, SlurmJob> jobs = new HashMap<>();
    for (SlurmJob j : squeue(List.of())) {
      jobs.put(j.id(), j);
    }
    return jobs;
  }

  /** The job (any state) of that exact name; the newest one should there be several. */
  public Optional<SlurmJob> findByName(String name) throws SlurmException {
    return squeue(List.of("--name=" + name)).stream()
        .filter(j -> j.name().equals(name))
        .max(java.util.Comparator.comparingLong(SlurmJob::id));
  }

  private List<SlurmJob> squeue(List<String> filter) throws SlurmException {
    List<String> argv = new ArrayList<>(List.of("squeue", "--noheader", "--states=all",
        "--format=" + SQUEUE_FORMAT));
    argv.addAll(filter);
    CommandRun.Result r = CommandRun.run(argv, env, timeout);
    if (!r.ok()) {
      throw r.failure("squeue");
    }
    List<SlurmJob> jobs = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank()) {
        jobs.add(parseLine(line, zone));
      }
    }
    return jobs;
  }

  static SlurmJob parseLine(String line, ZoneId zone) throws SlurmException {
    String[] f = line.split("\\|", 6);
    if (f.length != 6) {
      throw new SlurmException("squeue line not as asked (" + SQUEUE_FORMAT + "): " + line, false);
    }
    try {
      String state = SlurmJob.normalizeState(f[1]);
      boolean ran = !state.equals("PENDING") && !f[3].isBlank();
      Optional<Instant> start = ran ? parseTime(f[2], zone) : Optional.empty();
      return new SlurmJob(Long.parseLong(f[0].strip()), f[5], state, f[4].strip(), start);
    } catch (NumberFormatException e) {
      throw new SlurmException("squeue line with a bad job id: " + line, false);
    }
  }

  /** squeue prints local time without a zone, e.g. {@code 2026-12-01T09:01:02}, or N/A, Unknown. */
  static Optional<Instant> parseTime(String s, ZoneId zone) {
    try {
      return Optional.of(LocalDateTime.parse(s.strip()).atZone(zone).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Cancels a job; one Slurm no longer knows, or that has ended, counts as cancelled. */
  public void cancel(long id) throws SlurmException {
    CommandRun.Result r = CommandRun.run(List.of("scancel", Long.toString(id)), env, timeout);
    if (!r.ok() && !alreadyGone(r.stderr())) {
      throw r.failure("scancel");
    }
  }

  static boolean alreadyGone(String stderr) {
    return stderr.contains("Invalid job id") || stderr.contains("already completing or completed");
  }

  /**
   * {@code scontrol show job -o ID}: one line of {@code Key=Value} fields (JobState, Reason,
   * ExitCode=code:signal, ...) while slurmctld still knows the job; empty once it forgot it.
   */
  public Optional<String> detail(long id) throws SlurmException {
    CommandRun.Result r = CommandRun.run(List.of("scontrol", "show", "job", "-o", Long.toString(id)),
        env, timeout);
    if (!r.ok()) {
      if (r.stderr().contains("Invalid job id")) {
        return Optional.empty();
      }
      throw r.failure("scontrol show job");
    }
    return Optional.of(r.stdout().strip());
  }

  /** One {@code Key=Value} of a {@link #detail} line, e.g. {@code field(line, "ExitCode")} → "1:0". */
  public static Optional<String> field(String detail, String key) {
    for (String token : detail.split("\\s+")) {
      if (token.startsWith(key + "=")) {
        return Optional.of(token.substring(key.length() + 1));
      }
    }
    return Optional.empty();
  }
}
