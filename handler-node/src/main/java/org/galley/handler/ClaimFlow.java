package org.galley.handler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.galley.core.job.Job;
import org.galley.handler.HandlerSteps.Claimed;
import org.galley.handler.HandlerSteps.Polled;
import org.galley.protocol.DispatchProtocol.Claim;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.JobsClaimable;
import org.slf4j.Logger;

/**
 * How a {@link HandlerActor} takes new jobs: claims a dispatcher asks for (cluster method), and
 * claims from the table by itself (db-* methods, {@link TablePoll}): one at a time, woken by hints,
 * again at once while the last one came back full. Slots are reserved in the {@link AttemptFlow}'s
 * state before the claim and become attempts when it answers. Runs on the actor's thread only.
 */
final class ClaimFlow {
  /** Told when a claim came back: no claim may be in flight any more (drains wait for that). */
  private final Runnable claimAnswered;
  /** Told the jobs a claim took, to start them. */
  private final Consumer<List<Job>> start;
  private final AttemptFlow flow;
  private final HandlerSetup setup;
  private final String serverName;
  private final HandlerSteps steps;
  private final PoolPresence pools;
  private final TablePoll tablePoll;
  private final ActorRef<HandlerCommand> self;
  private final Logger log;
  /** A claim from the table is under way; another is asked for ({@code pollAgain}) if a hint came meanwhile. */
  private boolean polling;
  private boolean pollAgain;
  /** The last claim from the table took all it asked for: more may wait, so a freed slot claims at once. */
  private boolean backlog;

  ClaimFlow(Runnable claimAnswered, Consumer<List<Job>> start, AttemptFlow flow, HandlerSetup setup, HandlerSteps steps, PoolPresence pools,
      ActorRef<HandlerCommand> self, Logger log) {
    this.claimAnswered = claimAnswered;
    this.start = start;
    this.flow = flow;
    this.setup = setup;
    this.serverName = setup.serverName();
    this.steps = steps;
    this.pools = pools;
    this.tablePoll = setup.tablePoll();
    this.self = self;
    this.log = log;
  }

  /**
   * Most jobs one claim of a dispatcher takes: half the workers of a handler of 8 or more. With
   * claims of every free slot, a busy handler's workers move in lockstep (measured: 32 jobs per
   * claim, start and end statement in a burst), so no job runs while they are claimed and none is
   * claimed while they end. In two groups one is claimed and started while the other ends. The
   * dispatcher asks again at once while claims come back full.
   */
  static int claimGroup(int workers) {
    return workers >= 8 ? (workers + 1) / 2 : workers;
  }

  /** Whether more new jobs may wait in the table: a freed slot then claims at once. */
  boolean backlog() {
    return backlog;
  }

  void onClaim(Claim claim) {
    pools.heardFrom(claim.replyTo());
    boolean served = setup.servedPools().contains(claim.pool());
    if (!served) {
      log.warn("asked to claim jobs of pool {}, which handler {} does not serve", claim.pool(), serverName);
    }
    int n = served ? flow.state.claimable(Math.min(claim.max(), claimGroup(flow.state.workers()))) : 0;
    if (n == 0) {
      claim.replyTo().tell(new ClaimDone(self, claim.ticket(), 0, 0, flow.state.freeSlots()));
      if (!flow.state.takesWork()) {
        claim.replyTo().tell(pools.capacity(flow.state)); // it may not know yet: say why
      }
      return;
    }
    flow.state = flow.state.reserve(n);
    steps.claim(claim, n);
  }

  void onClaimed(Claimed m) {
    List<Job> jobs = m.failure() == null ? m.jobs() : List.of();
    if (m.failure() != null) {
      log.warn("claiming jobs of pool {} failed: {}", m.claim().pool(), m.failure().toString());
    }
    Map<Long, Integer> ids = new LinkedHashMap<>();
    jobs.forEach(j -> ids.put(j.id(), j.attempt()));
    flow.state = flow.state.claimed(m.requested(), ids);
    claimAnswered.run();
    m.claim().replyTo().tell(new ClaimDone(
        self, m.claim().ticket(), m.requested(), jobs.size(), flow.state.freeSlots()));
    if (jobs.size() < m.requested()) {
      // The unused reservation is free again; a dispatcher of another pool may have been told
      // "no free slots" while it was held, and would otherwise wait for the next job to end.
      pools.report(flow.state);
    }
    start.accept(jobs);
  }

  void onJobsClaimable(JobsClaimable m) {
    if (setup.servedPools().contains(m.pool())) {
      poll();
    }
  }

  /** Claims from the table, if this handler polls, has free workers and no claim is under way. */
  void poll() {
    if (!tablePoll.enabled()) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    int n = flow.state.claimable(tablePoll.maxGrab());
    if (n == 0) {
      return;
    }
    flow.state = flow.state.reserve(n);
    polling = true;
    pollAgain = false;
    steps.poll(tablePoll, n);
  }

  void onPolled(Polled m) {
    polling = false;
    List<Job> jobs = m.failure() == null ? m.jobs() : List.of();
    if (m.failure() != null) {
      log.warn("claiming new jobs from the table failed: {}", m.failure().toString());
    }
    Map<Long, Integer> ids = new LinkedHashMap<>();
    jobs.forEach(j -> ids.put(j.id(), j.attempt()));
    flow.state = flow.state.claimed(m.requested(), ids);
    claimAnswered.run();
    backlog = m.failure() == null && jobs.size() == m.requested();
    if (jobs.size() < m.requested()) {
      pools.report(flow.state); // the unused reservation is free again for the dispatchers
    }
    start.accept(jobs);
    if (pollAgain || backlog) {
      poll();
    }
  }
}
