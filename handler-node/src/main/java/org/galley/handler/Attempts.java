package org.galley.handler;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.galley.core.job.ClaimRequest;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.StoreException;
import org.galley.core.settings.JobLimits;
import org.galley.core.tools.CommandLine;
import org.galley.core.tools.InvalidInputException;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolRegistry;
import org.galley.protocol.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking steps of an attempt on this handler: start it, record how it ended, give it back.
 * Every method blocks (JDBC, files, processes): the {@link HandlerActor} calls them on the blocking
 * dispatcher. Each write is one guarded, attempt-fenced statement, so a step that lost to a cancel
 * or a requeue elsewhere changes nothing; a {@link StoreException} means "try again later".
 */
final class Attempts {
  private static final Logger log = LoggerFactory.getLogger(Attempts.class);

  private final String serverName;
  private final JobStore jobs;
  private final ToolRegistry tools;
  private final Map<String, Runner> runners;
  private final JobDirectories directories;
  private final JobLimits limits;
  private final Optional<Duration> defaultWalltime;

  Attempts(String serverName, JobStore jobs, ToolRegistry tools, Map<String, Runner> runners, JobDirectories directories) {
    this(serverName, jobs, tools, runners, directories, JobLimits.NONE, Optional.empty());
  }

  /**
   * @param limits concurrency limits every claim respects
   * @param defaultWalltime walltime of jobs whose tool sets none ({@code galley.jobs.walltime})
   */
  Attempts(String serverName, JobStore jobs, ToolRegistry tools, Map<String, Runner> runners, JobDirectories directories,
      JobLimits limits, Optional<Duration> defaultWalltime) {
    this.limits = limits;
    this.defaultWalltime = defaultWalltime;
    this.serverName = serverName;
    this.jobs = jobs;
    this.tools = tools;
    this.runners = Map.copyOf(runners);
    this.directories = directories;
  }

  /** What came of starting an attempt. */
  sealed interface Start {}

  /**
   * The work runs. {@code marked} is false when the job changed before it could be marked running
   * (cancelled, or given to another attempt): the work must then be killed.
   */
  record Started(RunningJob work, boolean marked) implements Start {}

  /** Nothing runs, and the job table already says why (or the job is someone else's now). */
  record NotStarted(String why) implements Start {}

  /** Claims up to {@code max} new cluster-method jobs of {@code pool} for this handler, within the limits. */
  List<Job> claim(String pool, int max) {
    return jobs.claim(ClaimRequest.cluster(serverName, pool, max, limits));
  }

  /** Claims up to {@code n} new jobs from the table for the methods without a dispatcher. */
  List<Job> claimFromTable(TablePoll poll, int n) {
    return poll.claim(jobs, n);
  }

  /** Starts a claimed ({@code queued}) attempt and marks it running. */
  Start start(Job job) {
    Optional<Tool> tool = tools.find(job.toolId()).filter(t -> t.version().equals(job.toolVersion()));
    if (tool.isEmpty()) {
      return notStarted(job, "tool " + job.toolId() + " " + job.toolVersion()
          + " is not configured on handler " + serverName);
    }
    Runner runner = runners.get(tool.get().runner());
    if (runner == null) {
      return notStarted(job, "runner " + tool.get().runner() + " of tool " + job.toolId()
          + " is not available on handler " + serverName);
    }
    RunningJob work;
    try {
      Path dir = directories.prepare(job.id(), job.attempt());
      CommandLine command = ToolRegistry.render(tool.get(), job.inputs(), dir);
      Optional<Duration> walltime = tool.get().walltime().or(() -> defaultWalltime);
      work = runner.start(new RunRequest(job.id(), job.attempt(), dir, command, walltime));
    } catch (InvalidInputException e) {
      // The tool changed since the job was submitted; running it with other inputs would be worse.
      return notStarted(job, "inputs no longer accepted by tool " + job.toolId() + ": " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.warn("job {} attempt {} could not start", job.id(), job.attempt(), e);
      return notStarted(job, "could not start: " + e.getMessage());
    }
    try {
      boolean marked = jobs.markRunning(job.id(), job.attempt(), serverName, runner.name(),
          work.externalId(), work.directory().toString());
      return new Started(work, marked);
    } catch (StoreException e) {
      // The attempt is still ours (queued, same attempt), and its end is recorded from queued as
      // well: let it run rather than kill work we could not even record.
      log.warn("job {} attempt {} runs as {} but could not be marked running: {}",
          job.id(), job.attempt(), work.externalId(), e.getMessage());
      return new Started(work, true);
    }
  }

  /**
   * Records how an attempt's work ended, given why the handler stopped it, then removes its
   * {@link AttemptMarker}. A job whose end lost to a cancel is deleted instead; a stop for shutdown
   * gives the attempt back unless the work had ended by itself; work that was lost is given back.
   */
  void recordEnd(long jobId, int attempt, RunningJob work, RunOutcome outcome, HandlerState.StopReason why) {
    recordEnd(jobId, attempt, outcome, why);
    AttemptMarker.remove(work.directory());
  }

  private void recordEnd(long jobId, int attempt, RunOutcome outcome, HandlerState.StopReason why) {
    Integer code = outcome.exitCode();
    if (why == HandlerState.StopReason.CANCEL) {
      if (!jobs.markDeleted(jobId, attempt, code)) {
        // Only when the table did not show the cancel (or the attempt is no longer ours, and this
        // changes nothing either).
        jobs.finish(jobId, attempt, serverName, JobState.ERROR, code, "killed on a cancel request");
      }
      return;
    }
    if (why == HandlerState.StopReason.SHUTDOWN && outcome.ending() == RunOutcome.Ending.KILLED) {
      giveBack(jobId, attempt);
      return;
    }
    if (why == HandlerState.StopReason.OUTPUT_SIZE) {
      String info = "killed: its working directory outgrew the output size limit (galley.jobs.output-size)";
      if (!jobs.finish(jobId, attempt, serverName, JobState.ERROR, code, info)) {
        jobs.markDeleted(jobId, attempt, code);
      }
      return;
    }
    if (outcome.ending() == RunOutcome.Ending.LOST) {
      jobs.requeue(jobId, attempt, Recovery.lostInfo(serverName) + ": " + outcome.info());
      return;
    }
    JobState end = outcome.succeeded() ? JobState.OK : JobState.ERROR;
    if (!jobs.finish(jobId, attempt, serverName, end, code, outcome.info())) {
      jobs.markDeleted(jobId, attempt, code);
    }
  }

  /** How one attempt's work ended, and why the handler stopped it (if it did): for {@link #recordEnds}. */
  record End(long jobId, int attempt, RunningJob work, RunOutcome outcome, HandlerState.StopReason why) {
    /** An end that is a plain finish: nobody stopped it and it was not lost. */
    boolean plain() {
      return why == HandlerState.StopReason.NONE && outcome.ending() != RunOutcome.Ending.LOST;
    }
  }

  /**
   * {@link #recordEnd} for many attempts: the plain finishes in one guarded statement
   * ({@link JobStore#finishAll}), those that lost it (cancelled meanwhile) and every other end one
   * by one as there. Safe to run again after a failure: a write that won already matches no more.
   */
  void recordEnds(List<End> ends) {
    List<End> plain = ends.stream().filter(End::plain).toList();
    java.util.Set<Long> won = jobs.finishAll(serverName, plain.stream()
        .map(e -> new JobStore.Finish(e.jobId(), e.attempt(), e.outcome().succeeded() ? JobState.OK : JobState.ERROR,
            e.outcome().exitCode(), e.outcome().info()))
        .toList());
    for (End e : ends) {
      if (!e.plain()) {
        recordEnd(e.jobId(), e.attempt(), e.outcome(), e.why());
      } else if (!won.contains(e.jobId())) {
        jobs.markDeleted(e.jobId(), e.attempt(), e.outcome().exitCode());
      }
    }
    ends.forEach(e -> AttemptMarker.remove(e.work().directory()));
  }

  /**
   * Ends an attempt that has no work: deleted when cancelled, else given back (new again under the
   * next attempt) because the handler stops.
   */
  void endUnstarted(long jobId, int attempt, HandlerState.StopReason why) {
    if (why == HandlerState.StopReason.CANCEL) {
      jobs.markDeleted(jobId, attempt, null);
    } else {
      giveBack(jobId, attempt);
    }
  }

  private void giveBack(long jobId, int attempt) {
    jobs.requeue(jobId, attempt, "handler " + serverName + " stopped");
  }

  /** The jobs this handler holds in the table. */
  List<Job> held() {
    return jobs.heldBy(serverName);
  }

  private NotStarted notStarted(Job job, String why) {
    if (!jobs.finish(job.id(), job.attempt(), serverName, JobState.ERROR, null, why)) {
      jobs.markDeleted(job.id(), job.attempt(), null);
    }
    return new NotStarted(why);
  }
}
