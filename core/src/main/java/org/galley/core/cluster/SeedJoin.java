package org.galley.core.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join of the first seed node. Pekko lets the first of {@code seed-nodes} found a cluster of
 * its own when no other seed answers within {@code seed-node-timeout} (5 s): restarted while the
 * machine is overloaded, or as the only seed, it formed a second cluster beside the running one on
 * the same database, whose reaper then requeued the jobs of handlers it could not see. So the first
 * seed does not join by configuration ({@link #deferred}); once its database is open it reads which
 * other members renewed their lease within {@code seed-guard-window} and, if any did, joins them
 * and the other seeds — a join that never founds a cluster. It founds one only when no member has
 * renewed for the window (the whole cluster is down), checked again every lease interval until
 * this node is a member. Other nodes join by configuration, as Pekko does.
 */
public final class SeedJoin {
  private static final Logger log = LoggerFactory.getLogger(SeedJoin.class);

  private SeedJoin() {}

  /** True for the first seed node, which joins by {@link #start} once the database is open. */
  public static boolean deferred(ClusterSettings settings) {
    return !settings.seedNodes().isEmpty() && settings.seedNodes().get(0).equals(self(settings));
  }

  /**
   * The seeds to join: the configured ones when no other member renewed its lease; else the other
   * configured seeds and the members that renewed, without this node, so that Pekko never lets it
   * join itself.
   */
  static List<String> seeds(List<String> configured, String self, List<String> renewed) {
    if (renewed.isEmpty()) {
      return configured;
    }
    Set<String> out = new LinkedHashSet<>(configured);
    out.addAll(renewed);
    out.remove(self);
    return new ArrayList<>(out);
  }

  /** Joins as {@link #seeds} says now, and again whenever that changes, until this node is a member. */
  public static void start(ActorSystem<?> system, ClusterSettings settings, NodeLeases leases) {
    Cluster cluster = Cluster.get(system);
    AtomicReference<List<String>> joined = new AtomicReference<>(List.of());
    AtomicReference<Cancellable> recheck = new AtomicReference<>();
    Runnable decide = () -> {
      if (cluster.selfMember().status() != MemberStatus.removed()) {
        // A member (joining or up) already: the join is done.
        Cancellable c = recheck.get();
        if (c != null) {
          c.cancel();
        }
        return;
      }
      List<String> renewed;
      try {
        renewed = leases.renewedWithin(settings.seedGuardWindow(), self(settings));
      } catch (RuntimeException e) {
        log.warn("reading the members' leases failed ({}); checked again in {} ms", e.toString(),
            settings.leaseInterval().toMillis());
        return;
      }
      List<String> seeds = seeds(settings.seedNodes(), self(settings), renewed);
      if (!seeds.equals(joined.getAndSet(seeds))) {
        if (renewed.isEmpty()) {
          log.info("no other member renewed its lease within {} s: joining the seed nodes {} (this node may found the cluster)",
              settings.seedGuardWindow().toSeconds(), seeds);
        } else {
          log.info("members {} renewed their lease within {} s: joining them and the other seeds, never founding a "
              + "second cluster", renewed, settings.seedGuardWindow().toSeconds());
        }
        cluster.manager().tell(new JoinSeedNodes(seeds.stream()
            .map(s -> AddressFromURIString.parse("pekko://" + ClusterConfig.SYSTEM_NAME + "@" + s)).toList()));
      }
    };
    decide.run();
    recheck.set(system.scheduler().scheduleWithFixedDelay(settings.leaseInterval(), settings.leaseInterval(), decide,
        system.dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"))));
  }

  private static String self(ClusterSettings settings) {
    return settings.host() + ":" + settings.port();
  }
}
