package org.galley.ops;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.galley.protocol.DispatchProtocol;
import org.galley.protocol.Pools;

/** The readiness conditions of a node's parts, behind management's {@code /ready}. */
final class NodeChecks {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private NodeChecks() {}

  /** Handler: this member is Up and the Receptionist lists its handler under its own pool. */
  static CompletionStage<Boolean> handlerRegistered(ActorSystem<?> system, String serverName) {
    if (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
      return CompletableFuture.completedFuture(false);
    }
    var key = DispatchProtocol.handlersOf(Pools.ofHandler(serverName));
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(), r -> Receptionist.find(key, r), TIMEOUT, system.scheduler())
        .thenApply(l -> l.getServiceInstances(key).stream().anyMatch(ref -> ref.path().address().hasLocalScope()));
  }

  /**
   * Web: this member is Up. A web node that answers while still joining is a trap: if the only
   * Up web node dies then, the joining one cannot be moved to Up and the Split Brain Resolver
   * downs it too (seen in WebFailoverIT once start-up got faster).
   */
  static CompletionStage<Boolean> memberUp(ActorSystem<?> system) {
    return CompletableFuture.completedFuture(Cluster.get(system).selfMember().status() == MemberStatus.up());
  }

  /** Web: the database answers a trivial query within the timeout. */
  static CompletionStage<Boolean> databaseAnswers(ActorSystem<?> system, DataSource dataSource) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = dataSource.getConnection()) {
        return c.isValid((int) TIMEOUT.toSeconds());
      } catch (Exception e) {
        return false;
      }
    }, system.dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher")));
  }
}
