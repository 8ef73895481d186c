package org.galley.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.job.ClaimRequest;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.protocol.DispatchProtocol.JobsClaimable;

/**
 * How a handler claims new jobs from the table by itself, for the assignment methods without a
 * dispatcher (db-skip-locked, db-transaction-isolation, db-preassign, db-self, mem-self): the claims
 * it makes, in order, at most {@code maxGrab} jobs and never more than its free workers at once;
 * woken by a hint on the {@code job-hints} topic, and every {@code interval} in case a hint was lost.
 * At most one poll is under way at a time; a hint during one makes another follow it.
 *
 * @param claims one claim per method this handler polls for (their {@code max} is replaced)
 * @param hints the topic web nodes publish hints on; null if none
 */
record TablePoll(List<ClaimRequest> claims, Duration interval, int maxGrab, ActorRef<Topic.Command<JobsClaimable>> hints) {
  /** A handler of the cluster method only: it never polls. */
  static final TablePoll NONE = new TablePoll(List.of(), Duration.ofSeconds(1), 1, null);

  TablePoll {
    claims = List.copyOf(claims);
    if (maxGrab < 1) {
      throw new IllegalArgumentException("galley.handler.max-grab must be at least 1, got " + maxGrab);
    }
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("galley.handler.poll-interval must be positive, got " + interval);
    }
  }

  boolean enabled() {
    return !claims.isEmpty();
  }

  /** Runs the claims in order until {@code n} jobs are taken or none is left. Blocks. */
  List<Job> claim(JobStore jobs, int n) {
    List<Job> out = new ArrayList<>();
    for (ClaimRequest c : claims) {
      if (out.size() >= n) {
        break;
      }
      out.addAll(jobs.claim(c.withMax(n - out.size())));
    }
    return out;
  }
}
