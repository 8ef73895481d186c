package org.galley.handler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.galley.core.destinations.Destination;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.JobUsage;
import org.galley.core.tools.Tool;
import org.galley.handler.runner.JobDirectories;
import org.galley.handler.runner.Progress;
import org.galley.handler.runner.RecoverRequest;
import org.galley.handler.runner.Recovered;
import org.galley.handler.runner.Runner;
import org.galley.handler.runner.RunningJob;
import org.galley.protocol.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a handler does with attempts it takes over: those the table says it holds under its server
 * name when it restarts (Galaxy fails them, "killed when Galaxy was restarted"), and released
 * attempts of a lost handler that it adopts. Each goes to the runner that started it
 * ({@link Runner#recover}), which finds its work: still there (watched again, and killed if the job is
 * being cancelled), ended meanwhile (its end recorded), or gone (run again under the next attempt,
 * or deleted if cancelled). A job never ends in error only because its handler restarted. Every write
 * is the usual guarded, attempt-fenced statement, so a job that moved on meanwhile is left as it is.
 * Blocks: call it on the blocking dispatcher.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  private final String serverName;
  private final JobStore jobs;
  private final Attempts attempts;
  private final JobDirectories directories;
  /** The runner of a claimed attempt whose runner was never recorded: only the local one starts before it records. */
  private final String fallbackRunner;

  Recovery(String serverName, JobStore jobs, Attempts attempts, JobDirectories directories, String fallbackRunner) {
    this.serverName = serverName;
    this.jobs = jobs;
    this.attempts = attempts;
    this.directories = directories;
    this.fallbackRunner = fallbackRunner;
  }

  /** A running attempt taken over, with the work that now watches it; {@code cancel}: the job is being cancelled. */
  record Adopted(Job job, RunningJob work, boolean cancel) {}

  /** What came of recovering held jobs: those adopted, and those whose recovery failed (database errors). */
  record Result(List<Adopted> adopted, List<Job> failed) {}

  /** The info of a running job requeued because its work was gone when its handler came back. */
  static String lostInfo(String serverName) {
    return "lost when handler " + serverName + " restarted";
  }

  /** The jobs the table says this handler holds. */
  List<Job> held() {
    return jobs.heldBy(serverName);
  }

  /** Recovers each job; one that fails (a database error) is reported to be tried again. */
  Result recover(List<Job> held, Function<Job, Progress> progress) {
    List<Adopted> adopted = new ArrayList<>();
    List<Job> failed = new ArrayList<>();
    for (Job job : held) {
      try {
        recover(job, progress.apply(job)).ifPresent(adopted::add);
      } catch (RuntimeException e) {
        log.warn("recovering job {} attempt {} failed, trying again later: {}", job.id(), job.attempt(), e.toString());
        failed.add(job);
      }
    }
    return new Result(adopted, failed);
  }

  private Optional<Adopted> recover(Job job, Progress progress) {
    String runnerName = job.runner() != null ? job.runner() : fallbackRunner;
    Runner runner = attempts.runners().get(runnerName);
    if (runner == null) {
      return unknownRunner(job, runnerName);
    }
    Optional<Tool> tool = attempts.toolOf(job);
    Optional<Destination> destination = attempts.destinationOf(job, tool);
    Path dir = job.workingDirectory() != null ? Path.of(job.workingDirectory()) : directories.of(job.id(), job.attempt());
    RecoverRequest request = new RecoverRequest(job.id(), job.attempt(), job.state(), Optional.ofNullable(job.externalId()),
        Optional.ofNullable(job.externalName()), dir, Optional.ofNullable(job.startTime()),
        tool.flatMap(t -> destination.flatMap(d -> attempts.walltimeOf(t, d))));
    Recovered found = runner.recover(request, progress);
    boolean cancel = job.state() == JobState.DELETING;
    if (found instanceof Recovered.Watching w) {
      log.info("job {} attempt {} still {} as {} {}: taken over", job.id(), job.attempt(),
          w.work().runsAlready() ? "runs" : "waits", runner.name(), w.work().externalId());
      return Optional.of(new Adopted(job, w.work(), cancel));
    }
    if (found instanceof Recovered.Ended e) {
      log.info("job {} attempt {} ended while nobody watched it: {}", job.id(), job.attempt(), e.outcome());
      attempts.ends().keepOutputs(job.id(), job.attempt(), dir);
      attempts.ends().recordEnd(job.id(), job.attempt(), e.outcome(),
          cancel ? HandlerState.StopReason.CANCEL : HandlerState.StopReason.NONE);
    } else if (cancel) {
      jobs.ends().markDeleted(job.id(), job.attempt(), null, JobUsage.NONE);
    } else {
      String why = ((Recovered.Gone) found).why();
      log.info("job {} attempt {}: {}; requeued", job.id(), job.attempt(), why);
      attempts.ends().lost(job.id(), job.attempt(), job.state() == JobState.QUEUED
          ? "handler " + serverName + " restarted before the job started" : lostInfo(serverName));
    }
    return Optional.empty();
  }

  /**
   * An attempt of a runner this handler does not have (its configuration changed). Work that outlives
   * a handler may still run: it is released for a handler that has the runner; anything else is run again.
   */
  private Optional<Adopted> unknownRunner(Job job, String runnerName) {
    String why = "runner " + runnerName + " is not available on handler " + serverName;
    if (job.externalName() != null) {
      jobs.runnerSteps().release(job.id(), job.attempt(), serverName, why + "; released for adoption");
    } else {
      jobs.ends().requeue(job.id(), job.attempt(), why);
    }
    return Optional.empty();
  }
}
