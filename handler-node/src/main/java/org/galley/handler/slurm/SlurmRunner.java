package org.galley.handler.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.galley.core.destinations.Destination;
import org.galley.core.destinations.Resources;
import org.galley.handler.runner.AttemptName;
import org.galley.handler.runner.JobDirectories;
import org.galley.handler.runner.Progress;
import org.galley.handler.runner.RecoverRequest;
import org.galley.handler.runner.Recovered;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunRequest;
import org.galley.handler.runner.Runner;
import org.galley.handler.runner.RunningJob;
import org.galley.handler.runner.SchedulerUnavailableException;
import org.galley.handler.runner.ToolFiles;
import org.galley.protocol.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs attempts as Slurm jobs through the command-line tools. An attempt's directory is
 * {@code <destination jobs-dir>/<attempt name>}, on a file system the compute nodes share; its job
 * is named after the attempt ({@code galley-<cluster>-<job>-<attempt>}), so that it can be found in
 * Slurm even when the handler died between sbatch and recording the id: the handler records the
 * name before it submits, and a recovery or retry looks for the name before it would submit again.
 * So each attempt is submitted at most once. The job script is constant text; the tool's argv and
 * the destination's environment are data files it reads ({@link SlurmScript}).
 *
 * <p>Its jobs outlive the handler: a stop lets go of them, and another handler (or this one after a
 * restart) takes them back from the table's id or name ({@link #recover}).
 */
public final class SlurmRunner implements Runner, AutoCloseable {
  public static final String NAME = "slurm";
  private static final Logger log = LoggerFactory.getLogger(SlurmRunner.class);
  private static final Set<String> RESERVED = Set.of(SlurmScript.JOB_SCRIPT, SlurmScript.ARGV, SlurmScript.ENV,
      SlurmScript.STDIN_PATH, SlurmScript.MEASURE, SlurmScript.EXIT_CODE, SlurmScript.EXIT_CODE + ".tmp", SlurmScript.STDOUT, SlurmScript.STDERR,
      org.galley.handler.runner.ResourceUsage.FILE);

  private final SlurmCommands commands;
  private final SlurmMonitor monitor;
  private final long snapshotAgeNanos;
  /** Attempts whose sbatch failed in a way that may still have submitted them: look before submitting again. */
  private final Set<String> uncertain = ConcurrentHashMap.newKeySet();

  public SlurmRunner(SlurmSettings settings) {
    this(new SlurmCommands(settings.env(), settings.commandTimeout()), settings);
  }

  SlurmRunner(SlurmCommands commands, SlurmSettings settings) {
    this.commands = commands;
    this.monitor = new SlurmMonitor(commands, settings.pollInterval());
    this.snapshotAgeNanos = settings.pollInterval().toNanos();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean outlivesHandler() {
    return true;
  }

  @Override
  public Path prepare(AttemptName attempt, Destination destination) throws IOException {
    Path dir = destination.jobsDir().orElseThrow().resolve(attempt.value());
    if (Files.exists(dir)) {
      JobDirectories.deleteTree(dir); // debris of a start that failed before it submitted
    }
    Files.createDirectories(dir);
    return dir;
  }

  @Override
  public RunningJob start(RunRequest request, Progress progress) throws IOException {
    String name = request.name().value();
    if (uncertain.contains(name)) {
      Optional<SlurmJob> earlier = find(name);
      if (earlier.isPresent()) {
        uncertain.remove(name);
        log.info("job {} attempt {} was submitted already as Slurm job {}", request.jobId(), request.attempt(), earlier.get().id());
        return watch(earlier.get().id(), request.directory(), progress);
      }
    }
    Path dir = request.directory();
    ToolFiles.write(dir, request.commandLine().files(), RESERVED);
    SlurmScript.write(dir, request.commandLine().argv(), request.commandLine().stdin().map(dir::resolve),
        request.destination().env());
    long id;
    try {
      id = commands.submit(submission(name, dir, request.resources(), request.destination()));
    } catch (SlurmException e) {
      // Slurm may have taken it before the answer was lost: the next try looks for the name first.
      uncertain.add(name);
      throw new SchedulerUnavailableException("sbatch of " + name + " failed: " + e.getMessage(), e);
    }
    uncertain.remove(name);
    log.debug("job {} attempt {} submitted as Slurm job {}", request.jobId(), request.attempt(), id);
    return watch(id, dir, progress);
  }

  static Submission submission(String name, Path dir, Resources r, Destination d) {
    Submission s = Submission.of(name, dir).withCpus(r.cores()).withNativeSpecification(d.nativeSpecification());
    if (r.memMb().isPresent()) {
      s = s.withMemMb(r.memMb().getAsLong());
    }
    if (r.walltime().isPresent()) {
      s = s.withWalltime(r.walltime().get());
    }
    return new Submission(s.name(), s.directory(), d.partition(), s.cpus(), s.memMb(), s.walltime(), s.nativeSpecification());
  }

  @Override
  public Recovered recover(RecoverRequest r, Progress progress) {
    Map<Long, SlurmJob> jobs;
    try {
      jobs = monitor.snapshot(snapshotAgeNanos);
    } catch (SlurmException e) {
      throw new SchedulerUnavailableException("cannot look for " + r.name().orElse("job " + r.jobId()) + " in Slurm: "
          + e.getMessage(), e);
    }
    Optional<SlurmJob> job = r.externalId().flatMap(SlurmRunner::parseId).map(jobs::get)
        .or(() -> r.name().flatMap(n -> jobs.values().stream().filter(j -> j.name().equals(n)).findFirst()));
    boolean cancelling = r.state() == JobState.DELETING;
    if (job.isEmpty()) {
      if (r.externalId().isPresent()) {
        return new Recovered.Ended(SlurmOutcomes.ofVanished(parseId(r.externalId().get()).orElse(-1L), r.directory(), cancelling));
      }
      Optional<Integer> code = SlurmOutcomes.exitCode(r.directory());
      return code.<Recovered>map(c -> new Recovered.Ended(RunOutcome.exited(c)))
          .orElseGet(() -> new Recovered.Gone("never submitted to Slurm as " + r.name().orElse("?")));
    }
    if (job.get().terminal()) {
      return new Recovered.Ended(SlurmOutcomes.ofTerminal(job.get(), r.directory(), cancelling));
    }
    SlurmAttempt attempt = watch(job.get().id(), r.directory(), progress);
    attempt.seen(job.get());
    return new Recovered.Watching(attempt);
  }

  private SlurmAttempt watch(long id, Path dir, Progress progress) {
    SlurmAttempt a = new SlurmAttempt(id, dir, progress, commands, monitor);
    monitor.watch(a);
    return a;
  }

  private Optional<SlurmJob> find(String name) throws IOException {
    try {
      return commands.findByName(name);
    } catch (SlurmException e) {
      throw new SchedulerUnavailableException("cannot look for " + name + " in Slurm: " + e.getMessage(), e);
    }
  }

  private static Optional<Long> parseId(String text) {
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** squeue calls made so far: one per monitoring interval for all watched jobs, and by recoveries. */
  public long squeueCalls() {
    return monitor.calls();
  }

  /** Slurm jobs watched now. */
  public int watching() {
    return monitor.watching();
  }

  @Override
  public void close() {
    monitor.close();
  }
}
