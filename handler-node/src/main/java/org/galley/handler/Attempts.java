package org.galley.handler;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.galley.core.destinations.Destination;
import org.galley.core.destinations.Resources;
import org.galley.core.job.ClaimRequest;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.JobUsage;
import org.galley.core.job.RunnerSteps;
import org.galley.core.job.StoreException;
import org.galley.core.settings.JobLimits;
import org.galley.core.tools.CommandLine;
import org.galley.core.tools.InvalidInputException;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolRegistry;
import org.galley.handler.runner.AttemptName;
import org.galley.handler.runner.Progress;
import org.galley.handler.runner.RunRequest;
import org.galley.handler.runner.Runner;
import org.galley.handler.runner.RunningJob;
import org.galley.handler.runner.SchedulerUnavailableException;
import org.galley.protocol.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking steps that take an attempt on this handler from its claim to its start: choose its
 * destination and runner, make its directory and command, start (or submit) it and record that.
 * How it ended is {@link AttemptEnds}'. Every method blocks (JDBC, files, processes, scheduler
 * commands): the {@link HandlerActor} calls them on the blocking dispatcher. Each write is one
 * guarded, attempt-fenced statement, so a step that lost to a cancel or a requeue elsewhere changes
 * nothing; a {@link StoreException} means "try again later".
 */
final class Attempts {
  private static final Logger log = LoggerFactory.getLogger(Attempts.class);

  private final String serverName;
  private final String clusterName;
  private final JobStore jobs;
  private final RunnerSteps runnerSteps;
  private final ToolRegistry tools;
  private final Map<String, Runner> runners;
  private final JobLimits limits;
  private final Optional<Duration> defaultWalltime;
  private final AttemptEnds ends;

  /**
   * @param runners by name; destinations name them
   * @param limits concurrency limits every claim respects
   * @param defaultWalltime walltime of jobs whose tool sets none ({@code galley.jobs.walltime})
   * @param maxAttempts attempts a job gets ({@code galley.jobs.max-attempts}); bounds resubmissions
   */
  Attempts(String serverName, String clusterName, JobStore jobs, ToolRegistry tools, Map<String, Runner> runners,
      JobLimits limits, Optional<Duration> defaultWalltime, int maxAttempts) {
    this(serverName, clusterName, jobs, tools, runners, limits, defaultWalltime, maxAttempts, OutputKeeper.NONE);
  }

  /** @param outputs keeps the outputs of ended attempts for web nodes on other machines */
  Attempts(String serverName, String clusterName, JobStore jobs, ToolRegistry tools, Map<String, Runner> runners,
      JobLimits limits, Optional<Duration> defaultWalltime, int maxAttempts, OutputKeeper outputs) {
    this.serverName = serverName;
    this.clusterName = clusterName;
    this.jobs = jobs;
    this.runnerSteps = jobs.runnerSteps();
    this.tools = tools;
    this.runners = Map.copyOf(runners);
    this.limits = limits;
    this.defaultWalltime = defaultWalltime;
    this.ends = new AttemptEnds(serverName, jobs, tools.destinations(), maxAttempts, outputs);
  }

  /** What came of starting an attempt. */
  sealed interface Start {}

  /**
   * The work runs (or waits in its scheduler). {@code marked} is false when the job changed before
   * it could be marked started (cancelled, or given to another attempt): the work must then be killed.
   */
  record Started(RunningJob work, boolean marked) implements Start {}

  /** Nothing runs, and the job table already says why (or the job is someone else's now). */
  record NotStarted(String why) implements Start {}

  /** The work runs (or waits in its scheduler), not recorded yet: {@link #recordStarts} does that. */
  record Launched(Job job, RunningJob work, RunnerSteps.Start start) implements Start {}

  AttemptEnds ends() {
    return ends;
  }

  Map<String, Runner> runners() {
    return runners;
  }

  /** Claims up to {@code max} new cluster-method jobs of {@code pool} for this handler, within the limits. */
  List<Job> claim(String pool, int max) {
    return jobs.claim(ClaimRequest.cluster(serverName, pool, max, limits));
  }

  /** Claims up to {@code n} new jobs from the table for the methods without a dispatcher. */
  List<Job> claimFromTable(TablePoll poll, int n) {
    return poll.claim(jobs, n);
  }

  /** The tool of a job, as configured here (same id and version). */
  Optional<Tool> toolOf(Job job) {
    return tools.find(job.toolId()).filter(t -> t.version().equals(job.toolVersion()));
  }

  /** The destination of a job: the one its row names (a resubmission's), else its tool's or pool's. */
  Optional<Destination> destinationOf(Job job, Optional<Tool> tool) {
    if (job.destination() != null) {
      return tools.destinations().find(job.destination());
    }
    return tool.map(t -> tools.destinations().forTool(t, job.pool()));
  }

  /** The limit of a job's attempts: its tool's, else the default, lowered to the destination's maximum. */
  Optional<Duration> walltimeOf(Tool tool, Destination destination) {
    return resourcesOf(tool, destination).walltime();
  }

  private Resources resourcesOf(Tool tool, Destination destination) {
    Resources asked = tool.resources();
    return new Resources(asked.cores(), asked.memMb(), tool.requestedWalltime().or(() -> defaultWalltime))
        .clampedTo(destination);
  }

  /** Starts (or submits) a claimed ({@code queued}) attempt and records it. */
  Start start(Job job, Progress progress) {
    Start launched = launch(job, progress);
    if (!(launched instanceof Launched l)) {
      return launched;
    }
    RunnerSteps.Start s = l.start();
    try {
      return new Started(l.work(), runnerSteps.markStarted(s.id(), s.attempt(), serverName, s.runner(), s.externalId(),
          s.dir(), s.destination(), s.runsAlready(), s.info()));
    } catch (StoreException e) {
      return unrecorded(l, e);
    }
  }

  /**
   * Records the starts of many launched attempts (the jobs of one claim) in one statement, each
   * guarded and fenced as {@link #start} does; returns {@link Started} for each, by job id.
   */
  Map<Long, Started> recordStarts(List<Launched> launched) {
    Map<Long, Started> out = new java.util.LinkedHashMap<>();
    try {
      java.util.Set<Long> marked = runnerSteps.markStartedAll(serverName, launched.stream().map(Launched::start).toList());
      launched.forEach(l -> out.put(l.job().id(), new Started(l.work(), marked.contains(l.job().id()))));
    } catch (RuntimeException e) {
      // A StoreException, normally; whatever it is, the work runs and must stay held.
      launched.forEach(l -> out.put(l.job().id(), unrecorded(l, e)));
    }
    return out;
  }

  /**
   * The attempt is still ours (queued, same attempt), and its end is recorded from queued as well:
   * let it run rather than kill work we could not even record.
   */
  private Started unrecorded(Launched l, RuntimeException e) {
    log.warn("job {} attempt {} runs as {} but could not be marked started: {}",
        l.job().id(), l.job().attempt(), l.work().externalId(), e.getMessage());
    return new Started(l.work(), true);
  }

  /**
   * Starts (or submits) a claimed ({@code queued}) attempt; its start is not recorded yet
   * ({@link Launched}), unless nothing was started ({@link NotStarted}, recorded).
   */
  Start launch(Job job, Progress progress) {
    Optional<Tool> tool = toolOf(job);
    if (tool.isEmpty()) {
      return notStarted(job, "tool " + job.toolId() + " " + job.toolVersion() + " is not configured on handler " + serverName);
    }
    Optional<Destination> destination = destinationOf(job, tool);
    if (destination.isEmpty()) {
      return notStarted(job, "destination " + job.destination() + " is not configured on handler " + serverName);
    }
    Destination dest = destination.get();
    Runner runner = runners.get(dest.runner());
    if (runner == null) {
      return notStarted(job, "runner " + dest.runner() + " of destination " + dest.name()
          + " is not available on handler " + serverName);
    }
    AttemptName name = new AttemptName(clusterName, job.id(), job.attempt());
    RunningJob work;
    try {
      Path dir = runner.prepare(name, dest);
      CommandLine command = ToolRegistry.render(tool.get(), job.inputs(), dir);
      if (runner.outlivesHandler() && !runnerSteps.markSubmitting(job.id(), job.attempt(), serverName, runner.name(),
          name.value(), dir.toString(), dest.name())) {
        return notStarted(job, "changed before it was submitted");
      }
      work = runner.start(new RunRequest(name, dir, command, resourcesOf(tool.get(), dest), dest), progress);
    } catch (SchedulerUnavailableException e) {
      // Nothing was submitted (or the runner finds it on the next try): try again, change nothing.
      note(job.id(), job.attempt(), e.getMessage() + "; retrying");
      throw e;
    } catch (InvalidInputException e) {
      // The tool changed since the job was submitted; running it with other inputs would be worse.
      return notStarted(job, "inputs no longer accepted by tool " + job.toolId() + ": " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.warn("job {} attempt {} could not start", job.id(), job.attempt(), e);
      return notStarted(job, "could not start: " + e.getMessage());
    }
    return new Launched(job, work, new RunnerSteps.Start(job.id(), job.attempt(), runner.name(), work.externalId(),
        work.directory().toString(), dest.name(), work.runsAlready(),
        work.runsAlready() ? null : "submitted to " + dest.name() + " as " + dest.runner() + " job " + work.externalId()));
  }

  /** The work began to run in its scheduler. */
  void markRunning(long jobId, int attempt, java.time.Instant since) {
    runnerSteps.markRunningSince(jobId, attempt, serverName, since);
  }

  /** Why the work waits, or that its scheduler does not answer. */
  void note(long jobId, int attempt, String info) {
    runnerSteps.noteInfo(jobId, attempt, serverName, info);
  }

  /** Takes released attempts of outliving runners (a lost handler's scheduler jobs) for this handler. */
  List<Job> adoptReleased(java.util.Set<String> pools, int max) {
    List<String> outliving = runners.values().stream().filter(Runner::outlivesHandler).map(Runner::name).toList();
    return outliving.isEmpty() ? List.of() : runnerSteps.adopt(serverName, pools, outliving, max);
  }

  /** The jobs this handler holds in the table. */
  List<Job> held() {
    return jobs.heldBy(serverName);
  }

  private NotStarted notStarted(Job job, String why) {
    if (!jobs.ends().finish(job.id(), job.attempt(), serverName, JobState.ERROR, null, why, JobUsage.NONE)) {
      jobs.ends().markDeleted(job.id(), job.attempt(), null, JobUsage.NONE);
    }
    return new NotStarted(why);
  }
}
