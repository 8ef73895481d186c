package org.galley.ops;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.galley.core.metrics.Metrics;
import org.galley.protocol.DispatchProtocol.Describe;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.HandlerDescription;

/**
 * The gauges of a node read at each scrape from the parts that know: cluster members by status,
 * the job-store connection pool, and (on a handler) its slots and whether it is drained.
 */
final class NodeMetrics {
  /** Status names as Pekko spells them, lower case: up, joining, weakly_up, leaving, exiting, down, removed. */
  private static final String[] STATUSES = {"joining", "weakly_up", "up", "leaving", "exiting", "down", "removed"};
  private static final Duration HANDLER_ASK = Duration.ofSeconds(1);

  private NodeMetrics() {}

  static void cluster(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    PrometheusRegistry registry = Metrics.get(system).registry();
    GaugeWithCallback.builder().name("galley_cluster_members").help("Cluster members this node sees, by status")
        .labelNames("status")
        .callback(cb -> {
          ClusterEvent.CurrentClusterState state = cluster.state();
          Map<String, Integer> by = new java.util.HashMap<>();
          for (String s : STATUSES) {
            by.put(s, 0);
          }
          for (Member m : state.getMembers()) {
            by.merge(m.status().toString().toLowerCase(Locale.ROOT).replace("weaklyup", "weakly_up"), 1, Integer::sum);
          }
          by.forEach((status, n) -> cb.call(n, status));
        })
        .register(registry);
    GaugeWithCallback.builder().name("galley_cluster_unreachable_members")
        .help("Members this node's failure detector finds unreachable")
        .callback(cb -> cb.call(cluster.state().getUnreachable().size()))
        .register(registry);
  }

  static void database(ActorSystem<?> system, DataSource dataSource) throws SQLException {
    // Unwrapped at each scrape: the pool is replaced after a database outage.
    Supplier<HikariPoolMXBean> current = () -> {
      try {
        return dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
      } catch (SQLException e) {
        return null;
      }
    };
    PrometheusRegistry registry = Metrics.get(system).registry();
    GaugeWithCallback.builder().name("galley_db_connections")
        .help("Connections of this node's job-store pool, by state (in_use, idle)").labelNames("state")
        .callback(cb -> {
          HikariPoolMXBean pool = current.get();
          if (pool != null) {
            cb.call(pool.getActiveConnections(), "in_use");
            cb.call(pool.getIdleConnections(), "idle");
          }
        })
        .register(registry);
    GaugeWithCallback.builder().name("galley_db_connections_waiting")
        .help("Threads of this node waiting for a job-store connection")
        .callback(cb -> {
          HikariPoolMXBean pool = current.get();
          if (pool != null) {
            cb.call(pool.getThreadsAwaitingConnection());
          }
        })
        .register(registry);
  }

  /** Asks the local handler at each scrape (at most {@link #HANDLER_ASK}); a silent handler shows no samples. */
  static void handler(ActorSystem<?> system, ActorRef<HandlerCommand> handler) {
    PrometheusRegistry registry = Metrics.get(system).registry();
    GaugeWithCallback.builder().name("galley_handler_slots").help("This handler's job slots, busy or free")
        .labelNames("state")
        .callback(cb -> describe(system, handler).ifPresent(d -> {
          cb.call(d.running(), "busy");
          cb.call(d.freeSlots(), "free");
        }))
        .register(registry);
    GaugeWithCallback.builder().name("galley_handler_drained")
        .help("1 while this handler takes no new jobs (drained, or the job lock is on)")
        .callback(cb -> describe(system, handler).ifPresent(d -> cb.call(d.drained() ? 1 : 0)))
        .register(registry);
  }

  private static java.util.Optional<HandlerDescription> describe(ActorSystem<?> system, ActorRef<HandlerCommand> handler) {
    try {
      return java.util.Optional.of(AskPattern.<HandlerCommand, HandlerDescription>ask(handler, Describe::new,
              HANDLER_ASK, system.scheduler())
          .toCompletableFuture().get(HANDLER_ASK.toMillis() + 200, TimeUnit.MILLISECONDS));
    } catch (Exception e) {
      return java.util.Optional.empty();
    }
  }

}
