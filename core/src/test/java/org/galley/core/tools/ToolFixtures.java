package org.galley.core.tools;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** HOCON snippets and loading shortcuts shared by the tool tests. */
final class ToolFixtures {
  private ToolFixtures() {}

  /** A tool with one parameter of every type, used by the validation and rendering tests. */
  static final String EVERY_TYPE = """
      {
        id = every_type
        version = "2"
        description = "One parameter of every type"
        argv = ["prog", "${flag}", "--n=${n}", "${x}", "${mode}", "${text}", "${label}"]
        parameters = [
          { name = text, type = text, required = true, max-length = 10, pattern = "[a-z ]*" }
          { name = label, type = text }
          { name = flag, type = boolean, default = false, true-value = "-f", false-value = "" }
          { name = n, type = integer, min = 1, max = 100, default = 10 }
          { name = x, type = float, min = 0.0, max = 1.0 }
          { name = mode, type = select, options = ["-l", "-w", "-c"], default = "-w" }
        ]
      }
      """;

  /** Config of the given HOCON over everything on the class path, as a node would read it. */
  static Config config(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load());
  }

  /** A registry of exactly the given tool objects (the samples left out). */
  static ToolRegistry registryOf(String... toolObjects) {
    return ToolRegistry.fromConfig(config("galley.tools.list = [" + String.join("\n", toolObjects) + "]"));
  }

  static Tool tool(String toolObject) {
    return registryOf(toolObject).all().iterator().next();
  }
}
