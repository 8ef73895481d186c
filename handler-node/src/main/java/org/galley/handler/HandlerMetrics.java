package org.galley.handler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.galley.core.job.Job;
import org.galley.core.metrics.Metrics;
import org.galley.handler.runner.RunOutcome;

/**
 * What a handler adds to the node's {@link Metrics}: dispatch latency when a job starts, the end
 * state and runtime when its end is recorded, and how long claims take. Used on the actor's
 * thread only (claims: on whichever thread ran the claim, which touches only the metrics).
 *
 * <p>An attempt that is given back (shutdown, loss, release for adoption) is not finished and is
 * not counted; a failed attempt that is resubmitted to another destination counts as {@code error}.
 */
final class HandlerMetrics {
  private record Running(String pool, String tool, Instant since) {}

  private final Metrics metrics;
  private final Clock clock;
  private final Map<Long, Running> running = new HashMap<>();

  HandlerMetrics(Metrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  void started(Job job) {
    Instant now = clock.instant();
    if (job.createTime() != null) {
      metrics.jobStarted(job.pool(), seconds(job.createTime(), now));
    }
    running.put(job.id(), new Running(job.pool(), job.toolId(), now));
  }

  /** A job recovery took over: its runtime counts from its first start, its dispatch was counted before. */
  void adopted(Job job) {
    running.put(job.id(), new Running(job.pool(), job.toolId(), job.startTime() != null ? job.startTime() : clock.instant()));
  }

  void ended(AttemptEnds.End end) {
    Running r = running.remove(end.jobId());
    String state = endState(end);
    if (r != null && state != null) {
      metrics.jobFinished(r.pool(), r.tool(), state, seconds(r.since(), clock.instant()));
    }
  }

  void claimed(String pool, long startNanos) {
    metrics.claimed(pool, (System.nanoTime() - startNanos) / 1e9);
  }

  /** ok, error or deleted; null for an attempt given back, which another attempt continues. */
  static String endState(AttemptEnds.End end) {
    RunOutcome o = end.outcome();
    if (end.why() == HandlerState.StopReason.CANCEL) {
      return "deleted";
    }
    if (o.ending() == RunOutcome.Ending.DETACHED || o.ending() == RunOutcome.Ending.LOST
        || (end.why() == HandlerState.StopReason.SHUTDOWN && o.ending() == RunOutcome.Ending.KILLED)) {
      return null;
    }
    return end.why() == HandlerState.StopReason.NONE && o.succeeded() ? "ok" : "error";
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
