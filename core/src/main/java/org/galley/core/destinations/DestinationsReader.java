package org.galley.core.destinations;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.galley.protocol.Pools;

/**
 * Turns {@code galley.destinations}, {@code galley.pool-destinations} and {@code
 * galley.default-destination} into a {@link Destinations}. Only syntax lives here (types, unknown
 * keys, units); the rules live in the records' constructors. Every error names its config key.
 */
final class DestinationsReader {

  static final List<String> KEYS = List.of("runner", "partition", "native-specification", "env", "max-cores",
      "max-mem", "max-walltime", "jobs-dir", "resubmit");
  private static final List<String> RULE_KEYS = List.of("condition", "destination", "delay");
  private static final long MB = 1024 * 1024;

  private DestinationsReader() {}

  static Destinations read(Config config) {
    Config g = config.resolve().getConfig("galley");
    Map<String, Destination> destinations = new LinkedHashMap<>();
    ConfigObject defined = object(g, "destinations", "galley.destinations");
    for (String name : defined.keySet()) {
      ConfigValue value = defined.get(name);
      String at = "galley.destinations." + name;
      if (value.valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(at + ": expected an object { runner = ..., ... }, got " + value.valueType());
      }
      destinations.put(name, destination(name, ((ConfigObject) value).toConfig(), g));
    }
    Map<String, String> pools = new LinkedHashMap<>();
    ConfigObject poolObject = object(g, "pool-destinations", "galley.pool-destinations");
    for (String pool : poolObject.keySet()) {
      String at = "galley.pool-destinations." + pool + ": ";
      try {
        Pools.requireValid(pool);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + e.getMessage(), e);
      }
      ConfigValue value = poolObject.get(pool);
      if (value.valueType() != ConfigValueType.STRING) {
        throw new IllegalArgumentException(at + "expected a destination name, got " + value.valueType());
      }
      pools.put(pool, (String) value.unwrapped());
    }
    String defaultDestination = get(g, "default-destination", "galley.default-destination: ", Config::getString);
    return new Destinations(destinations, pools, defaultDestination);
  }

  private static Destination destination(String name, Config c, Config galley) {
    // Typos must stop the start: a misspelt max-mem would otherwise give jobs no limit at all.
    for (String key : c.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(Destination.key(name, key)
            + "unknown key (known: " + String.join(", ", KEYS) + ")");
      }
    }
    String runner = c.hasPath("runner") ? get(c, "runner", Destination.key(name, "runner"), Config::getString) : null;
    if (runner == null) {
      throw new IllegalArgumentException(Destination.key(name, "runner") + "missing (local, noop, slurm)");
    }
    Optional<Path> jobsDir = optional(c, name, "jobs-dir", Config::getString).map(s -> Path.of(s).toAbsolutePath());
    if (jobsDir.isEmpty() && Destination.SLURM.equals(runner)) {
      jobsDir = Optional.of(Path.of(galley.getString("var-dir"), "slurm-jobs").toAbsolutePath());
    }
    Optional<Integer> maxCores = optional(c, name, "max-cores", Config::getInt);
    Optional<Long> maxMem = optional(c, name, "max-mem", (cc, k) -> megabytes(cc, k, Destination.key(name, k)));
    return new Destination(
        name,
        runner,
        optional(c, name, "partition", Config::getString),
        optional(c, name, "native-specification", Config::getString).orElse(""),
        env(c, name),
        maxCores.map(OptionalInt::of).orElse(OptionalInt.empty()),
        maxMem.map(OptionalLong::of).orElse(OptionalLong.empty()),
        optional(c, name, "max-walltime", Config::getDuration),
        jobsDir,
        rules(c, name));
  }

  private static Map<String, String> env(Config c, String name) {
    Map<String, String> env = new LinkedHashMap<>();
    if (!c.hasPath("env")) {
      return env;
    }
    ConfigObject o = object(c, "env", Destination.key(name, "env").replace(": ", ""));
    o.forEach((k, v) -> {
      // A dotted key would be read by HOCON as a nested object; numbers and booleans are fine as text.
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST
          || v.valueType() == ConfigValueType.NULL) {
        throw new IllegalArgumentException(Destination.key(name, "env." + k) + "expected a string, got " + v.valueType());
      }
      env.put(k, String.valueOf(v.unwrapped()));
    });
    return env;
  }

  private static List<ResubmitRule> rules(Config c, String name) {
    List<ResubmitRule> rules = new ArrayList<>();
    if (!c.hasPath("resubmit")) {
      return rules;
    }
    ConfigList list = get(c, "resubmit", Destination.key(name, "resubmit"), Config::getList);
    for (int i = 0; i < list.size(); i++) {
      String key = "resubmit[" + i + "]";
      ConfigValue value = list.get(i);
      if (value.valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(Destination.key(name, key)
            + "expected { condition = ..., destination = ..., delay = ... }, got " + value.valueType());
      }
      Config r = ((ConfigObject) value).toConfig();
      for (String k : r.root().keySet()) {
        if (!RULE_KEYS.contains(k)) {
          throw new IllegalArgumentException(Destination.key(name, key + "." + k)
              + "unknown key (known: " + String.join(", ", RULE_KEYS) + ")");
        }
      }
      String conditionAt = Destination.key(name, key + ".condition");
      String destinationAt = Destination.key(name, key + ".destination");
      String delayAt = Destination.key(name, key + ".delay");
      for (String required : List.of("condition", "destination")) {
        if (!r.hasPath(required)) {
          throw new IllegalArgumentException(Destination.key(name, key + "." + required) + "missing");
        }
      }
      ResubmitRule.Condition condition =
          ResubmitRule.Condition.fromConfig(get(r, "condition", conditionAt, Config::getString), conditionAt.replace(": ", ""));
      Duration delay = r.hasPath("delay") ? get(r, "delay", delayAt, Config::getDuration) : Duration.ZERO;
      if (delay.isNegative()) {
        throw new IllegalArgumentException(delayAt + "must be >= 0, got " + delay);
      }
      rules.add(new ResubmitRule(condition, get(r, "destination", destinationAt, Config::getString), delay));
    }
    return rules;
  }

  /**
   * A HOCON size (binary units: 512m, 8g) as MiB. Only whole MiB are accepted: Slurm takes no
   * less, and rounding either way would quietly change what the operator wrote.
   */
  static long megabytes(Config c, String key, String at) {
    long bytes = get(c, key, at, Config::getBytes);
    if (bytes <= 0) {
      throw new IllegalArgumentException(at + "must be positive, got " + c.getValue(key).unwrapped());
    }
    if (bytes % MB != 0) {
      throw new IllegalArgumentException(at + "must be a whole number of megabytes (e.g. 512m, 8g), got "
          + c.getValue(key).unwrapped());
    }
    return bytes / MB;
  }

  private static <T> Optional<T> optional(Config c, String name, String key, Getter<T> getter) {
    return c.hasPath(key) ? Optional.of(get(c, key, Destination.key(name, key), getter)) : Optional.empty();
  }

  private static ConfigObject object(Config c, String key, String at) {
    return get(c, key, at + ": ", Config::getObject);
  }

  private static <T> T get(Config c, String key, String at, Getter<T> getter) {
    try {
      return getter.get(c, key);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(at + e.getMessage(), e);
    }
  }

  /** A typed read of one key, like {@code Config::getInt}. */
  @FunctionalInterface
  interface Getter<T> {
    T get(Config config, String key);
  }
}
