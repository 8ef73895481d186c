package org.galley.core.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import org.galley.core.db.Database;
import org.galley.core.settings.NodeSettings;

/**
 * Turns Galley's settings into the Pekko configuration of this node: cluster transport address,
 * roles that mirror {@code galley.roles} and {@code galley.pools}, seed nodes, management address
 * and the database that Persistence JDBC shares with the job store.
 */
public final class ClusterConfig {
  public static final String SYSTEM_NAME = "galley";
  private static final String SLICK_DB = "pekko-persistence-jdbc.shared-databases.slick.db";

  private ClusterConfig() {}

  /** Galley's Pekko settings, to layer above the reference.conf files (see galley-pekko.conf). */
  public static Config pekkoDefaults() {
    return ConfigFactory.parseResources(ClusterConfig.class.getClassLoader(), "galley-pekko.conf");
  }

  /** This node's Pekko configuration: system properties, then this node's addresses, then Galley's defaults, then {@code base}. */
  public static Config build(Config base, NodeSettings node, ClusterSettings cluster, Database db) {
    return build(base, node, cluster, db.url(), db.user(), db.password());
  }

  /** As {@link #build(Config, NodeSettings, ClusterSettings, Database)}, for a database still starting. */
  public static Config build(Config base, NodeSettings node, ClusterSettings cluster, String dbUrl, String dbUser,
      String dbPassword) {
    // The first seed joins once its database tells it whether a cluster runs (SeedJoin).
    List<String> seeds = SeedJoin.deferred(cluster) ? List.of()
        : cluster.seedNodes().stream().map(s -> "pekko://" + SYSTEM_NAME + "@" + s).toList();
    return ConfigFactory.systemProperties()
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(cluster.host()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(cluster.port()))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(node.clusterRoles()))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withValue("pekko.management.http.hostname", ConfigValueFactory.fromAnyRef(cluster.managementHost()))
        .withValue("pekko.management.http.port", ConfigValueFactory.fromAnyRef(cluster.managementPort()))
        .withValue(SLICK_DB + ".url", ConfigValueFactory.fromAnyRef(dbUrl))
        .withValue(SLICK_DB + ".user", ConfigValueFactory.fromAnyRef(dbUser))
        .withValue(SLICK_DB + ".password", ConfigValueFactory.fromAnyRef(dbPassword))
        .withFallback(pekkoDefaults())
        .withFallback(base)
        .resolve();
  }
}
