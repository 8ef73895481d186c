package org.galley.core.destinations;

import com.typesafe.config.Config;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.galley.core.tools.Tool;

/**
 * The destinations of this cluster ({@code galley.destinations}), the default destination of each
 * pool ({@code galley.pool-destinations}) and of every other pool ({@code
 * galley.default-destination}). {@code local} and {@code noop} always exist unless the operator
 * defines destinations of those names. Checked once at start: a resubmit rule or pool naming a
 * destination that does not exist stops the start rather than a job at its first failure.
 *
 * @param all every destination by name, the implicit ones included
 * @param poolDestinations pool name to the name of its default destination
 * @param defaultDestination destination of pools not in {@code poolDestinations}
 */
public record Destinations(
    Map<String, Destination> all, Map<String, String> poolDestinations, String defaultDestination) {

  public Destinations {
    Map<String, Destination> byName = new TreeMap<>();
    byName.put(Destination.LOCAL, Destination.plain(Destination.LOCAL, Destination.LOCAL));
    byName.put(Destination.NOOP, Destination.plain(Destination.NOOP, Destination.NOOP));
    all.forEach((name, d) -> {
      if (!name.equals(d.name())) {
        throw new IllegalArgumentException("galley.destinations." + name + ": holds destination '" + d.name() + "'");
      }
      byName.put(name, d);
    });
    for (Destination d : byName.values()) {
      for (int i = 0; i < d.resubmit().size(); i++) {
        String target = d.resubmit().get(i).destination();
        if (!byName.containsKey(target)) {
          throw new IllegalArgumentException(Destination.key(d.name(), "resubmit[" + i + "].destination")
              + "no destination '" + target + "' (destinations: " + byName.keySet() + ")");
        }
      }
    }
    poolDestinations.forEach((pool, name) -> {
      if (!byName.containsKey(name)) {
        throw new IllegalArgumentException("galley.pool-destinations." + pool + ": no destination '" + name
            + "' (destinations: " + byName.keySet() + ")");
      }
    });
    Objects.requireNonNull(defaultDestination, "defaultDestination");
    if (!byName.containsKey(defaultDestination)) {
      throw new IllegalArgumentException("galley.default-destination: no destination '" + defaultDestination
          + "' (destinations: " + byName.keySet() + ")");
    }
    all = Collections.unmodifiableMap(byName);
    poolDestinations = Collections.unmodifiableMap(new TreeMap<>(poolDestinations));
  }

  /**
   * Reads {@code galley.destinations}, {@code galley.pool-destinations} and {@code
   * galley.default-destination}. A slurm destination without {@code jobs-dir} gets {@code
   * <galley.var-dir>/slurm-jobs}; relative paths are made absolute against the working directory.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public static Destinations fromConfig(Config config) {
    return DestinationsReader.read(config);
  }

  /** Only the implicit {@code local} and {@code noop}, {@code local} the default: a cluster with no destinations set. */
  public static Destinations implicit() {
    return new Destinations(Map.of(), Map.of(), Destination.LOCAL);
  }

  public Optional<Destination> find(String name) {
    return Optional.ofNullable(name).map(all::get);
  }

  /** @throws IllegalArgumentException if there is no destination of that name */
  public Destination require(String name) {
    return find(name).orElseThrow(() ->
        new IllegalArgumentException("no destination '" + name + "' (destinations: " + all.keySet() + ")"));
  }

  /** The default destination of a pool: its own if {@code galley.pool-destinations} names one, else the default. */
  public Destination forPool(String pool) {
    return require(poolDestinations.getOrDefault(pool, defaultDestination));
  }

  /**
   * Where a job of the tool runs when submitted to the pool: the tool's destination if it names
   * one; {@code noop} for a tool of runner {@code noop}, which must never reach a real runner;
   * else the pool's.
   */
  public Destination forTool(Tool tool, String pool) {
    if (tool.destination().isPresent()) {
      return require(tool.destination().get());
    }
    if (Destination.NOOP.equals(tool.runner())) {
      return require(Destination.NOOP);
    }
    return forPool(pool);
  }

  /** One line per destination, then the pools' defaults, for the start log. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("destinations (default ").append(defaultDestination).append("):");
    all.values().forEach(d -> sb.append("\n  ").append(d));
    Map<String, String> pools = new LinkedHashMap<>(poolDestinations);
    if (!pools.isEmpty()) {
      sb.append("\n  pool destinations: ");
      pools.forEach((pool, name) -> sb.append(pool).append(" -> ").append(name).append(", "));
      sb.setLength(sb.length() - 2);
    }
    return sb.toString();
  }
}
