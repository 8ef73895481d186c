package org.galley.handler;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.job.ClaimRequest;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.JobLimits;
import org.galley.core.settings.JobsSettings;
import org.galley.core.settings.NodeSettings;
import org.galley.core.settings.StaticHandlers;
import org.galley.protocol.DispatchProtocol.JobsClaimable;
import org.galley.protocol.Pools;

/**
 * What a handler needs to know of job assignment: the methods in use ({@code galley.jobs.assign-with};
 * every node of a cluster should share it), the static handlers, the limits its claims respect, the
 * default walltime and the output size limit, and for the db-* methods how often it polls ({@code galley.handler.poll-interval})
 * and how much one claim takes ({@code galley.handler.max-grab}).
 *
 * @param hints the topic web nodes publish claim hints on; null: poll only
 * @param maxAttempts attempts a job gets ({@code galley.jobs.max-attempts}), also across resubmissions
 */
public record Claiming(List<AssignMethod> methods, StaticHandlers statics, JobLimits limits, Optional<Duration> walltime,
    Optional<Long> outputSize, Duration pollInterval, int maxGrab, ActorRef<Topic.Command<JobsClaimable>> hints,
    int maxAttempts) {

  /** The cluster method only, no limits: the handler never polls the table. */
  public static final Claiming CLUSTER_ONLY = new Claiming(List.of(AssignMethod.CLUSTER), StaticHandlers.NONE,
      JobLimits.NONE, Optional.empty(), Optional.empty(), Duration.ofSeconds(1), 100, null, 3);

  public Claiming {
    methods = List.copyOf(methods);
    if (maxGrab < 1) {
      throw new IllegalArgumentException("galley.handler.max-grab must be at least 1, got " + maxGrab);
    }
    if (pollInterval.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("galley.handler.poll-interval must be positive, got " + pollInterval);
    }
  }

  public static Claiming fromConfig(Config config, JobsSettings jobs, ActorRef<Topic.Command<JobsClaimable>> hints) {
    Config h = config.getConfig("galley.handler");
    return new Claiming(jobs.assignWith(), StaticHandlers.fromConfig(config), JobLimits.fromConfig(config),
        jobs.walltime(), jobs.outputSize(), h.getDuration("poll-interval"), h.getInt("max-grab"), hints, jobs.maxAttempts());
  }

  /**
   * The claims this handler makes from the table, in the order of the methods: any unassigned job
   * of its pools for db-skip-locked and db-transaction-isolation; for db-preassign (static handlers
   * only) the jobs preset to it and those whose handler was removed; for db-self and mem-self only
   * the jobs preset to it. Its pool of one is left out: those jobs always go through its dispatcher.
   */
  TablePoll tablePoll(NodeSettings node) {
    String me = node.serverName();
    List<String> pools = node.servedPools().stream().filter(p -> !p.equals(Pools.ofHandler(me))).sorted().toList();
    List<ClaimRequest> claims = new ArrayList<>();
    for (AssignMethod m : methods) {
      switch (m) {
        case DB_SKIP_LOCKED, DB_TRANSACTION_ISOLATION -> claims.add(new ClaimRequest(me, m, pools, true, 1, limits));
        case DB_PREASSIGN -> {
          if (statics.isStatic(me)) {
            claims.add(new ClaimRequest(me, m, pools, true, 1, limits));
          }
        }
        case DB_SELF, MEM_SELF -> claims.add(new ClaimRequest(me, m, pools, false, 1, limits));
        default -> { } // cluster: the pool dispatchers ask
      }
    }
    return pools.isEmpty() ? TablePoll.NONE : new TablePoll(claims, pollInterval, maxGrab, hints);
  }
}
