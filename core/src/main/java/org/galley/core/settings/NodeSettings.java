package org.galley.core.settings;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.galley.protocol.Pools;
import org.galley.protocol.Roles;

/**
 * What this process is ({@code galley.*}): its roles, the pools its handler serves, its
 * server name and its state directory.
 */
public record NodeSettings(Set<String> roles, Set<String> pools, String serverName, Path varDir) {

  public NodeSettings {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("galley.roles: name at least one of web, handler");
    }
    for (String role : roles) {
      if (!role.equals(Roles.WEB) && !role.equals(Roles.HANDLER)) {
        throw new IllegalArgumentException("galley.roles: unknown role '" + role + "' (web, handler)");
      }
    }
    pools.forEach(Pools::requireValid);
    if (!serverName.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
      throw new IllegalArgumentException("galley.server-name: invalid name '" + serverName + "'");
    }
    roles = Set.copyOf(roles);
    pools = Set.copyOf(pools);
  }

  public static NodeSettings fromConfig(Config config) {
    Config g = config.getConfig("galley");
    Set<String> roles = ConfigLists.names(g, "roles");
    Set<String> pools = ConfigLists.names(g, "pools");
    if (pools.isEmpty()) {
      pools = Set.of(Pools.DEFAULT);
    }
    String name = g.getString("server-name");
    if (name.isBlank()) {
      name = defaultServerName(roles, config.getInt("galley.cluster.port"));
    }
    // A statically defined handler serves the pools of its definition (Galaxy's tags), not galley.pools.
    StaticHandlers statics = StaticHandlers.fromConfig(config);
    if (statics.isStatic(name)) {
      pools = statics.pools().get(name);
    }
    return new NodeSettings(roles, pools, name, Path.of(g.getString("var-dir")).toAbsolutePath());
  }

  public boolean isWeb() {
    return roles.contains(Roles.WEB);
  }

  public boolean isHandler() {
    return roles.contains(Roles.HANDLER);
  }

  /** Pools this node's handler takes jobs of: its configured pools and its own pool of one. */
  public Set<String> servedPools() {
    Set<String> all = new LinkedHashSet<>(pools);
    all.add(Pools.ofHandler(serverName));
    return all;
  }

  /** Cluster roles mirror the settings: web, handler, pool:NAME, and server:NAME. */
  public List<String> clusterRoles() {
    List<String> out = new java.util.ArrayList<>(roles);
    out.add(Roles.ofServer(serverName));
    if (isHandler()) {
      servedPools().forEach(p -> out.add(Roles.ofPool(p)));
    }
    return out;
  }

  private static String defaultServerName(Set<String> roles, int clusterPort) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "-");
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    String kind = roles.contains(Roles.HANDLER) ? Roles.HANDLER : Roles.WEB;
    return kind + "-" + host + "-" + clusterPort;
  }
}
