package org.galley.core.cluster;

import com.typesafe.config.Config;
import java.util.List;
import org.galley.core.settings.ConfigLists;

/**
 * {@code galley.cluster} and {@code galley.management}: where this node listens and whom it
 * joins. No seed nodes means this node founds a cluster of its own (the all-in-one default).
 */
public record ClusterSettings(String host, int port, List<String> seedNodes, String managementHost, int managementPort) {

  public ClusterSettings {
    checkPort("galley.cluster.port", port);
    checkPort("galley.management.port", managementPort);
    for (String s : seedNodes) {
      if (!s.matches("[^:/\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("galley.cluster.seed-nodes: expected host:port, got '" + s + "'");
      }
    }
    seedNodes = List.copyOf(seedNodes);
  }

  public static ClusterSettings fromConfig(Config config) {
    return new ClusterSettings(
        config.getString("galley.cluster.host"),
        config.getInt("galley.cluster.port"),
        List.copyOf(ConfigLists.names(config, "galley.cluster.seed-nodes")),
        config.getString("galley.management.host"),
        config.getInt("galley.management.port"));
  }

  private static void checkPort(String key, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + ": 0 to 65535, got " + port);
    }
  }
}
