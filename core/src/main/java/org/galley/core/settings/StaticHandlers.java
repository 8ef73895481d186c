package org.galley.core.settings;

import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.galley.protocol.Pools;

/**
 * {@code galley.handlers}: statically defined handlers, Galaxy's {@code <handlers>} list, by server
 * name with the pools (Galaxy's tags) each serves. A static handler without pools serves
 * {@code default}, as Galaxy's untagged handlers do. The {@code db-preassign} method picks among
 * them; handlers that join with {@code galley.pools} alone are dynamic and never preassigned.
 */
public record StaticHandlers(Map<String, Set<String>> pools) {
  public static final StaticHandlers NONE = new StaticHandlers(Map.of());

  public StaticHandlers {
    pools.forEach((name, served) -> {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
        throw new IllegalArgumentException("galley.handlers: invalid handler name '" + name + "'");
      }
      served.forEach(Pools::requireValid);
    });
    pools = Map.copyOf(pools);
  }

  public static StaticHandlers fromConfig(Config config) {
    if (!config.hasPath("galley.handlers")) {
      return NONE;
    }
    Config h = config.getConfig("galley.handlers");
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String name : h.root().keySet()) {
      Config one = h.getConfig("\"" + name + "\"");
      Set<String> served = one.hasPath("pools") ? ConfigLists.names(one, "pools") : Set.of();
      out.put(name, served.isEmpty() ? Set.of(Pools.DEFAULT) : Set.copyOf(served));
    }
    return new StaticHandlers(out);
  }

  public boolean isStatic(String serverName) {
    return pools.containsKey(serverName);
  }

  /** Static handlers serving {@code pool}, sorted by name. */
  public List<String> ofPool(String pool) {
    return pools.entrySet().stream().filter(e -> e.getValue().contains(pool)).map(Map.Entry::getKey).sorted().toList();
  }
}
