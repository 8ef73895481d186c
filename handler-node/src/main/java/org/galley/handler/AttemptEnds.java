package org.galley.handler;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.galley.core.destinations.Destination;
import org.galley.core.destinations.Destinations;
import org.galley.core.destinations.ResubmitRule;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.JobEnds;
import org.galley.core.job.JobUsage;
import org.galley.core.job.RunnerSteps;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunningJob;
import org.galley.protocol.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how an attempt ended, given why the handler stopped it: {@code ok}/{@code error}, deleted
 * after a cancel, given back (next attempt) after a shutdown or a loss, released for adoption when
 * its work outlives the handler, or resubmitted to another destination when a rule of its
 * destination matches (Galaxy's {@code resubmit}), within {@code max-attempts}. Blocks (JDBC).
 */
final class AttemptEnds {
  private static final Logger log = LoggerFactory.getLogger(AttemptEnds.class);

  private final String serverName;
  private final JobStore jobs;
  private final RunnerSteps runnerSteps;
  private final Destinations destinations;
  private final int maxAttempts;
  /** Set once by the actor (stop while drained), read by blocking steps. */
  private volatile boolean plannedStop;
  private final OutputKeeper outputs;

  AttemptEnds(String serverName, JobStore jobs, Destinations destinations, int maxAttempts, OutputKeeper outputs) {
    this.serverName = serverName;
    this.jobs = jobs;
    this.runnerSteps = jobs.runnerSteps();
    this.destinations = destinations;
    this.maxAttempts = maxAttempts;
    this.outputs = outputs;
  }

  /** How one attempt's work ended, and why the handler stopped it (if it did). */
  record End(long jobId, int attempt, RunningJob work, RunOutcome outcome, HandlerState.StopReason why) {
    /** A plain success: nobody stopped it, it ended by itself with 0; written in batches. */
    boolean plain() {
      return why == HandlerState.StopReason.NONE && outcome.succeeded();
    }
  }

  /** Records one end, then lets the work forget what kept it findable (the local marker). */
  void recordEnd(long jobId, int attempt, RunningJob work, RunOutcome outcome, HandlerState.StopReason why) {
    log.debug("job {} attempt {} ended {} ({}): {}", jobId, attempt, outcome.ending(), outcome.exitCode(), outcome.usage());
    keepOutputs(jobId, attempt, work.directory());
    recordEnd(jobId, attempt, outcome, why);
    work.endRecorded();
  }

  void recordEnd(long jobId, int attempt, RunOutcome outcome, HandlerState.StopReason why) {
    Integer code = outcome.exitCode();
    if (why == HandlerState.StopReason.DISOWNED) {
      log.info("job {} attempt {} ended {} after it was disowned; nothing recorded", jobId, attempt, outcome.ending());
      return;
    }
    JobUsage used = outcome.usage().toJobUsage();
    if (why == HandlerState.StopReason.CANCEL) {
      if (!jobs.ends().markDeleted(jobId, attempt, code, used)) {
        // Only when the table did not show the cancel (or the attempt is no longer ours, and this
        // changes nothing either).
        jobs.ends().finish(jobId, attempt, serverName, JobState.ERROR, code, "killed on a cancel request", used);
      }
      return;
    }
    if (outcome.ending() == RunOutcome.Ending.DETACHED) {
      runnerSteps.release(jobId, attempt, serverName, "released by handler " + serverName
          + " as it stopped; its work goes on, awaiting adoption by a handler of the pool");
      return;
    }
    if (why == HandlerState.StopReason.SHUTDOWN && outcome.ending() == RunOutcome.Ending.KILLED) {
      giveBack(jobId, attempt);
      return;
    }
    if (why == HandlerState.StopReason.OUTPUT_SIZE) {
      finishOrDelete(jobId, attempt, JobState.ERROR, code,
          "killed: its working directory outgrew the output size limit (galley.jobs.output-size)", used);
      return;
    }
    if (outcome.ending() == RunOutcome.Ending.LOST) {
      lost(jobId, attempt, Recovery.lostInfo(serverName) + ": " + outcome.info());
      return;
    }
    if (!outcome.succeeded() && resubmitted(jobId, attempt, outcome)) {
      return;
    }
    finishOrDelete(jobId, attempt, outcome.succeeded() ? JobState.OK : JobState.ERROR, code, outcome.info(), used);
  }

  /**
   * {@link #recordEnd} for many attempts: the plain successes in one guarded statement
   * ({@link JobStore#finishAll}), those that lost it (cancelled meanwhile) and every other end one
   * by one as there. Safe to run again after a failure: a write that won already matches no more.
   */
  void recordEnds(List<End> ends) {
    if (log.isDebugEnabled()) {
      ends.forEach(e -> log.debug("job {} attempt {} ended {} ({}): {}", e.jobId(), e.attempt(), e.outcome().ending(),
          e.outcome().exitCode(), e.outcome().usage()));
    }
    outputs.keep(serverName, ends.stream()
        .map(e -> new OutputKeeper.Ended(e.jobId(), e.attempt(), e.work().directory())).toList());
    List<End> plain = ends.stream().filter(End::plain).toList();
    Set<Long> won = jobs.ends().finishAll(serverName, plain.stream()
        .map(e -> new JobEnds.Finish(e.jobId(), e.attempt(), JobState.OK, e.outcome().exitCode(), e.outcome().info(),
            e.outcome().usage().toJobUsage()))
        .toList());
    for (End e : ends) {
      if (!e.plain()) {
        recordEnd(e.jobId(), e.attempt(), e.outcome(), e.why());
      } else if (!won.contains(e.jobId())) {
        jobs.ends().markDeleted(e.jobId(), e.attempt(), e.outcome().exitCode(), e.outcome().usage().toJobUsage());
      }
    }
    ends.forEach(e -> e.work().endRecorded());
  }

  /** Keeps the attempt's outputs for every web node; before its end is recorded (the write is fenced by the attempt). */
  void keepOutputs(long jobId, int attempt, java.nio.file.Path directory) {
    outputs.keep(serverName, List.of(new OutputKeeper.Ended(jobId, attempt, directory)));
  }

  /**
   * Ends an attempt that has no work: deleted when cancelled, else given back (new again under the
   * next attempt) because the handler stops.
   */
  void endUnstarted(long jobId, int attempt, HandlerState.StopReason why) {
    if (why == HandlerState.StopReason.CANCEL) {
      jobs.ends().markDeleted(jobId, attempt, null, JobUsage.NONE);
    } else {
      // It never ran here: not its fault, so the attempt is free.
      jobs.ends().requeue(jobId, attempt, "handler " + serverName + " stopped before the job started");
    }
  }

  /**
   * The attempt was lost with this handler (found gone after a restart, killed by the orphan
   * watchdog): run again, counted toward max-attempts, so a job that keeps killing its handler ends.
   */
  void lost(long jobId, int attempt, String info) {
    jobs.ends().requeueCounted(jobId, attempt, maxAttempts, info);
  }

  /**
   * This handler stops for a planned restart: it was drained when its stop began (as {@code galley
   * graceful} and the documented systemd procedure do), so what it gives back does not count.
   */
  void stopIsPlanned() {
    plannedStop = true;
  }

  /** The rule of the job's destination that matches this end, applied; false if none applies. */
  private boolean resubmitted(long jobId, int attempt, RunOutcome outcome) {
    Optional<ResubmitRule.Condition> condition = conditionOf(outcome);
    if (condition.isEmpty() || attempt >= maxAttempts || !hasRules()) {
      return false;
    }
    Optional<Destination> here = jobs.find(jobId).map(Job::destination).flatMap(destinations::find);
    Optional<ResubmitRule> rule = here.flatMap(d -> d.resubmit().stream().filter(r -> r.condition() == condition.get())
        .findFirst());
    if (rule.isEmpty()) {
      return false;
    }
    String info = outcome.info() + "; resubmitted to " + rule.get().destination() + " (rule "
        + condition.get().configName() + " of destination " + here.get().name() + ")";
    boolean won = runnerSteps.resubmit(jobId, attempt, serverName, rule.get().destination(), rule.get().delay(), info);
    if (won) {
      log.info("job {} attempt {}: {}", jobId, attempt, info);
    }
    return won;
  }

  private boolean hasRules() {
    return destinations.all().values().stream().anyMatch(d -> !d.resubmit().isEmpty());
  }

  /** Which resubmission condition an end meets (Galaxy's memory_limit_reached, walltime_reached, unknown_error). */
  static Optional<ResubmitRule.Condition> conditionOf(RunOutcome outcome) {
    return switch (outcome.ending()) {
      case MEMORY_EXCEEDED -> Optional.of(ResubmitRule.Condition.MEMORY);
      case WALLTIME_EXCEEDED -> Optional.of(ResubmitRule.Condition.WALLTIME);
      case FAILED -> Optional.of(ResubmitRule.Condition.FAILURE);
      case EXITED -> outcome.succeeded() ? Optional.empty() : Optional.of(ResubmitRule.Condition.FAILURE);
      default -> Optional.empty();
    };
  }

  private void finishOrDelete(long jobId, int attempt, JobState end, Integer code, String info, JobUsage used) {
    if (!jobs.ends().finish(jobId, attempt, serverName, end, code, info, used)) {
      jobs.ends().markDeleted(jobId, attempt, code, used);
    }
  }

  /**
   * A stopping handler killed the attempt. Counted toward max-attempts (a job that keeps bouncing
   * between handlers being stopped ends), unless the stop was planned ({@link #stopIsPlanned}): a
   * rolling restart must not push healthy jobs into error.
   */
  private void giveBack(long jobId, int attempt) {
    if (plannedStop) {
      jobs.ends().requeue(jobId, attempt, "handler " + serverName + " stopped (drained first: a planned restart; not counted)");
    } else {
      jobs.ends().requeueCounted(jobId, attempt, maxAttempts, "handler " + serverName + " stopped");
    }
  }
}
