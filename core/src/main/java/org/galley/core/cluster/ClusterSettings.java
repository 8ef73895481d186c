package org.galley.core.cluster;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import org.galley.core.settings.ConfigLists;

/**
 * {@code galley.cluster} and {@code galley.management}: where this node listens and whom it
 * joins. No seed nodes means this node founds a cluster of its own (the all-in-one default).
 *
 * @param leaseInterval how often a member renews its lease in {@code cluster_node} ({@link NodeLease})
 * @param leaseTimeout how long a lease stays fresh after its last renewal
 * @param seedGuardWindow a restarting first seed joins the members that renewed within this window
 *     rather than founding a cluster ({@link SeedJoin})
 */
public record ClusterSettings(String host, int port, List<String> seedNodes, String managementHost, int managementPort,
    Duration leaseInterval, Duration leaseTimeout, Duration seedGuardWindow) {

  public ClusterSettings {
    checkPort("galley.cluster.port", port);
    checkPort("galley.management.port", managementPort);
    for (String s : seedNodes) {
      if (!s.matches("[^:/\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("galley.cluster.seed-nodes: expected host:port, got '" + s + "'");
      }
    }
    seedNodes = List.copyOf(seedNodes);
    if (leaseInterval.isZero() || leaseInterval.isNegative() || leaseTimeout.compareTo(leaseInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("galley.cluster.lease-timeout (" + leaseTimeout
          + ") must be at least twice galley.cluster.lease-interval (" + leaseInterval + "), which must be positive");
    }
    if (seedGuardWindow.compareTo(leaseTimeout) < 0) {
      throw new IllegalArgumentException("galley.cluster.seed-guard-window (" + seedGuardWindow
          + ") must be at least galley.cluster.lease-timeout (" + leaseTimeout + ")");
    }
  }

  public static ClusterSettings fromConfig(Config config) {
    return new ClusterSettings(
        config.getString("galley.cluster.host"),
        config.getInt("galley.cluster.port"),
        List.copyOf(ConfigLists.names(config, "galley.cluster.seed-nodes")),
        config.getString("galley.management.host"),
        config.getInt("galley.management.port"),
        config.getDuration("galley.cluster.lease-interval"),
        config.getDuration("galley.cluster.lease-timeout"),
        config.getDuration("galley.cluster.seed-guard-window"));
  }

  private static void checkPort(String key, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + ": 0 to 65535, got " + port);
    }
  }
}
