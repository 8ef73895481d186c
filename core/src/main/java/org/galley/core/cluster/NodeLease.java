package org.galley.core.cluster;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.galley.protocol.Roles;

/**
 * Renews this member's row in {@code cluster_node} every {@code galley.cluster.lease-interval}
 * while the member is Up and not cut off from the others ({@link Isolation}). It stops renewing as
 * soon as it is downed, isolated or stopping, so its lease expires {@code lease-timeout} later;
 * a clean stop gives the lease up once the handler has handed its jobs back. Renewals never overlap:
 * a tick while one is in flight is skipped.
 */
public final class NodeLease {
  private NodeLease() {}

  private sealed interface Command extends NoSerializationVerificationNeeded {}

  private enum Tick implements Command { INSTANCE }

  private record Renewed(Throwable failure) implements Command {}

  /** This node's address as the seeds and the table name it: {@code host:port}. */
  public static String address(Cluster cluster) {
    var a = cluster.selfMember().address();
    return a.getHost().orElse("") + ":" + a.getPort().orElse(0);
  }

  public static void start(ActorSystem<?> system, NodeLeases leases, ClusterSettings settings) {
    Cluster cluster = Cluster.get(system);
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    String address = address(cluster);
    long uid = cluster.selfMember().uniqueAddress().longUid();
    Set<String> roles = cluster.selfMember().getRoles();
    String serverName = Roles.serverName(roles).orElse(address);
    // Set by the shutdown task on another thread, read by the actor.
    AtomicBoolean stopping = new AtomicBoolean();
    system.systemActorOf(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.leaseInterval());
      boolean[] inFlight = {false};
      boolean[] warned = {false};
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            if (!inFlight[0] && !stopping.get() && mayRenew(cluster)) {
              inFlight[0] = true;
              ctx.pipeToSelf(CompletableFuture.runAsync(() -> leases.renew(address, uid, serverName, roles), blocking),
                  (ok, failure) -> new Renewed(failure));
            }
            return Behaviors.same();
          })
          .onMessage(Renewed.class, r -> {
            inFlight[0] = false;
            if (r.failure() != null && !warned[0]) {
              warned[0] = true;
              ctx.getLog().warn("renewing this node's lease failed ({}); retried every tick", r.failure().toString());
            } else if (r.failure() == null) {
              warned[0] = false;
            }
            return Behaviors.same();
          })
          .build();
    })), "galley-node-lease", org.apache.pekko.actor.typed.Props.empty());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "galley-release-lease",
        () -> CompletableFuture.supplyAsync(() -> {
          stopping.set(true);
          try {
            leases.release(address, uid);
          } catch (RuntimeException e) {
            // the lease expires by itself
          }
          return Done.getInstance();
        }, blocking));
  }

  /** Up (or weakly up), and not the only one left on its side of a cut. */
  static boolean mayRenew(Cluster cluster) {
    MemberStatus self = cluster.selfMember().status();
    if (self != MemberStatus.up() && self != MemberStatus.weaklyUp()) {
      return false;
    }
    Set<UniqueAddress> unreachable = new HashSet<>();
    for (Member m : cluster.state().getUnreachable()) {
      unreachable.add(m.uniqueAddress());
    }
    return !Isolation.isolated(Isolation.others(cluster), unreachable);
  }
}
