package org.galley.handler;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.galley.core.cluster.Isolation;

/**
 * Kills this handler's local jobs when it can see no other cluster member for {@link #FENCE_AFTER}:
 * it is cut off (or starved), and the others are about to down it and run its jobs elsewhere. Its
 * own Split Brain Resolver downs it too, after {@code stable-after}, but a decision taken by a
 * resolver on each side of a cut can fall a tick apart; this makes the cut-off side kill first by a
 * wide margin (the others requeue no sooner than {@code galley.jobs.orphan-guard}, 3 s, after they
 * see it unreachable). It also kills them at once when this node learns it was downed, without
 * waiting for the coordinated shutdown's phases to reach the handler (a second or more). Only in clusters of three members or more, where seeing nobody means being the
 * minority; the killed attempts end as lost and are given back (their writes fenced if the cluster
 * requeued them first). Owns nothing; a system actor of the handler node, stopped with it.
 */
final class IsolationFence {
  private IsolationFence() {}

  /** How long this node must see no other member before it kills its jobs. */
  static final Duration FENCE_AFTER = Duration.ofSeconds(1);

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Changed(Object event) implements Command {}

  private enum Check implements Command { INSTANCE }

  static Behavior<Command> create(Runnable killAll) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Cluster cluster = Cluster.get(context.getSystem());
      Executor blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
      cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(ClusterEvent.ReachabilityEvent.class, Changed::new),
          ClusterEvent.ReachabilityEvent.class));
      cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(ClusterEvent.MemberEvent.class, Changed::new),
          ClusterEvent.MemberEvent.class));
      // From the events themselves: the cluster's read view may lag the event it publishes.
      Set<UniqueAddress> unreachable = new HashSet<>();
      boolean[] fenced = {false};
      Runnable kill = () -> {
        fenced[0] = true;
        CompletableFuture.runAsync(killAll, blocking);
      };
      return Behaviors.receive(Command.class)
          .onMessage(Changed.class, m -> {
            if (m.event() instanceof ClusterEvent.UnreachableMember u) {
              unreachable.add(u.member().uniqueAddress());
            } else if (m.event() instanceof ClusterEvent.ReachableMember r) {
              unreachable.remove(r.member().uniqueAddress());
            } else if (m.event() instanceof ClusterEvent.MemberRemoved r) {
              unreachable.remove(r.member().uniqueAddress());
            } else if (m.event() instanceof ClusterEvent.MemberDowned d
                && d.member().uniqueAddress().equals(cluster.selfMember().uniqueAddress()) && !fenced[0]) {
              // Downed: the others run its jobs elsewhere soon; do not wait for the shutdown's phases.
              context.getLog().warn("this handler was downed: killing its jobs at once");
              kill.run();
            }
            if (Isolation.isolated(Isolation.others(cluster), unreachable)) {
              if (!timers.isTimerActive("check") && !fenced[0]) {
                timers.startSingleTimer("check", Check.INSTANCE, FENCE_AFTER);
              }
            } else {
              timers.cancel("check");
              fenced[0] = false;
            }
            return Behaviors.same();
          })
          .onMessageEquals(Check.INSTANCE, () -> {
            if (Isolation.isolated(Isolation.others(cluster), unreachable) && !fenced[0]) {
              context.getLog().warn("this handler has seen no other cluster member for {} ms: killing its jobs, "
                  + "which the others are about to run elsewhere", FENCE_AFTER.toMillis());
              kill.run();
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
