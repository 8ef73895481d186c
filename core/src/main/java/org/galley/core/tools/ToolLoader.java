package org.galley.core.tools;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.galley.core.destinations.Resources;
import org.galley.core.tools.ToolParameter.ParameterType;

/**
 * Reads tool definitions from HOCON: {@code galley.tools.list}, then every {@code *.conf} file of
 * {@code galley.tools.dir} in name order (each holds {@code tools = [ ... ]}). The loader only
 * turns syntax into records; {@link ToolChecks} judges them. A bad tool stops the start with an
 * {@link IllegalArgumentException} saying which tool, where it was defined and which field.
 */
final class ToolLoader {

  private static final long MB = 1024 * 1024;

  private ToolLoader() {}

  static List<Tool> load(Config config) {
    Config settings = config.resolve().getConfig("galley.tools");
    Map<String, String> definedAt = new LinkedHashMap<>();
    List<Tool> tools = new ArrayList<>();
    readList(settings, "list", "galley.tools.list", definedAt, tools);
    String dir = settings.getString("dir").trim();
    if (!dir.isEmpty()) {
      for (Path file : confFiles(Path.of(dir))) {
        Config fileConfig = parseFile(file);
        if (!fileConfig.hasPath("tools")) {
          throw new IllegalArgumentException(file + ": holds no `tools = [ ... ]` list");
        }
        readList(fileConfig, "tools", file + " tools", definedAt, tools);
      }
    }
    return tools;
  }

  private static void readList(
      Config config, String key, String label, Map<String, String> definedAt, List<Tool> out) {
    ConfigList list;
    try {
      list = config.getList(key);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(label + ": expected a list of tool objects: " + e.getMessage(), e);
    }
    for (int i = 0; i < list.size(); i++) {
      ConfigValue value = list.get(i);
      String where = label + "[" + i + "] at " + value.origin().description();
      if (value.valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(where + ": expected a tool object, got " + value.valueType());
      }
      Tool tool = readTool(((ConfigObject) value).toConfig(), where);
      ToolChecks.check(tool, where);
      String earlier = definedAt.putIfAbsent(tool.id(), where);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "tool '" + tool.id() + "' (" + where + "): id: duplicate of the tool defined at " + earlier);
      }
      out.add(tool);
    }
  }

  private static Tool readTool(Config c, String where) {
    if (!c.hasPath("id")) {
      throw new IllegalArgumentException(where + ": id: missing");
    }
    Fields f = new Fields(c, "tool '" + c.getValue("id").unwrapped() + "' (" + where + "): ");
    f.onlyKeys(List.of("id", "version", "description", "argv", "stdin", "pool", "handler", "runner",
        "walltime", "parameters", "destination", "resources"));
    List<ToolParameter> parameters = new ArrayList<>();
    List<Config> parameterConfigs = f.objectList("parameters");
    for (int i = 0; i < parameterConfigs.size(); i++) {
      parameters.add(readParameter(parameterConfigs.get(i), f.at, i));
    }
    return new Tool(
        f.string("id"),
        f.string("version"),
        f.optionalString("description").orElse(""),
        f.stringList("argv", true),
        f.optionalString("stdin"),
        parameters,
        f.optionalString("pool"),
        f.optionalString("handler"),
        f.optionalString("runner").orElse("local"),
        f.has("walltime") ? Optional.of(f.get("walltime", c::getDuration)) : Optional.empty(),
        f.optionalString("destination"),
        f.has("resources") ? readResources(f.get("resources", c::getConfig), f.at) : Resources.NONE);
  }

  /** {@code resources { cores = 2, mem = 512m, walltime = 10m }}; each optional, checked by {@link ToolChecks}. */
  private static Resources readResources(Config c, String toolAt) {
    Fields f = new Fields(c, toolAt + "resources.");
    f.onlyKeys(List.of("cores", "mem", "walltime"));
    OptionalLong mem = OptionalLong.empty();
    if (f.has("mem")) {
      long bytes = f.get("mem", c::getBytes);
      // MiB, as Slurm's --mem and GALAXY_MEMORY_MB count; a remainder would be silently dropped.
      // Zero and negative sizes are kept for ToolChecks, which words them as for a tool built in code.
      if (bytes % MB != 0) {
        throw new IllegalArgumentException(f.at + "mem: must be a whole number of megabytes (e.g. 512m, 2g), got "
            + c.getValue("mem").unwrapped());
      }
      mem = OptionalLong.of(bytes / MB);
    }
    return new Resources(
        f.has("cores") ? f.get("cores", c::getInt) : 1,
        mem,
        f.has("walltime") ? Optional.of(f.get("walltime", c::getDuration)) : Optional.empty());
  }

  private static ToolParameter readParameter(Config c, String toolAt, int index) {
    String name = new Fields(c, toolAt + "parameters[" + index + "].").string("name");
    Fields f = new Fields(c, toolAt + "parameter '" + name + "' ");
    String typeName = f.string("type");
    ParameterType type = switch (typeName) {
      case "text" -> ParameterType.TEXT;
      case "integer" -> ParameterType.INTEGER;
      case "float" -> ParameterType.FLOAT;
      case "boolean" -> ParameterType.BOOLEAN;
      case "select" -> ParameterType.SELECT;
      default -> throw new IllegalArgumentException(
          f.at + "type: unknown type '" + typeName + "' (text, integer, float, boolean, select)");
    };
    // Keys of another type are refused: a `min` on a text parameter would otherwise do nothing.
    List<String> keys = new ArrayList<>(List.of("name", "type", "description", "required", "default"));
    keys.addAll(switch (type) {
      case TEXT -> List.of("pattern", "max-length", "as-file");
      case INTEGER, FLOAT -> List.of("min", "max");
      case BOOLEAN -> List.of("true-value", "false-value");
      case SELECT -> List.of("options");
    });
    f.onlyKeys(keys);
    return new ToolParameter(
        name,
        type,
        f.optionalString("description").orElse(""),
        f.has("required") && f.get("required", c::getBoolean),
        f.has("default") ? Optional.of(typedDefault(type, c.getValue("default").unwrapped())) : Optional.empty(),
        f.has("min") ? Optional.of(f.get("min", c::getDouble)) : Optional.empty(),
        f.has("max") ? Optional.of(f.get("max", c::getDouble)) : Optional.empty(),
        f.optionalString("pattern"),
        f.has("max-length") ? Optional.of(f.get("max-length", c::getInt)) : Optional.empty(),
        f.has("options") ? f.stringList("options", false) : List.of(),
        f.has("as-file") && f.get("as-file", c::getBoolean),
        f.optionalString("true-value").orElse("true"),
        f.optionalString("false-value").orElse("false"));
  }

  /**
   * HOCON reads {@code 10} as an Integer; the registry hands out Longs and Doubles. Anything that
   * does not fit the type is kept as it is, for {@link ToolChecks} to report in the words a user
   * would hear for the same value.
   */
  private static Object typedDefault(ParameterType type, Object raw) {
    if (type == ParameterType.INTEGER && raw instanceof Number n
        && (raw instanceof Integer || raw instanceof Long || n.doubleValue() == Math.rint(n.doubleValue()))) {
      return n.longValue();
    }
    if (type == ParameterType.FLOAT && raw instanceof Number n) {
      return n.doubleValue();
    }
    return raw;
  }

  private static List<Path> confFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("galley.tools.dir: '" + dir.toAbsolutePath() + "' is not a directory");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".conf") && Files.isRegularFile(p))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("galley.tools.dir: cannot list '" + dir + "': " + e.getMessage(), e);
    }
  }

  private static Config parseFile(Path file) {
    try {
      ConfigParseOptions options =
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false);
      return ConfigFactory.parseFile(file.toFile(), options).resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Typed access to one HOCON object, turning every config error into one that names the field. */
  private static final class Fields {
    private final Config config;
    private final String at;

    Fields(Config config, String at) {
      this.config = config;
      this.at = at;
    }

    boolean has(String key) {
      return config.hasPath(key);
    }

    void onlyKeys(List<String> known) {
      for (String key : config.root().keySet()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException(at + key + ": unknown field (known: " + String.join(", ", known) + ")");
        }
      }
    }

    <T> T get(String key, java.util.function.Function<String, T> getter) {
      try {
        return getter.apply(key);
      } catch (ConfigException e) {
        throw new IllegalArgumentException(at + key + ": " + e.getMessage(), e);
      }
    }

    String string(String key) {
      if (!has(key)) {
        throw new IllegalArgumentException(at + key + ": missing");
      }
      return get(key, config::getString);
    }

    Optional<String> optionalString(String key) {
      return has(key) ? Optional.of(get(key, config::getString)) : Optional.empty();
    }

    List<String> stringList(String key, boolean required) {
      if (!has(key)) {
        if (required) {
          throw new IllegalArgumentException(at + key + ": missing");
        }
        return List.of();
      }
      return get(key, config::getStringList);
    }

    List<Config> objectList(String key) {
      return has(key) ? get(key, k -> List.copyOf(config.getConfigList(k))) : List.of();
    }
  }
}
