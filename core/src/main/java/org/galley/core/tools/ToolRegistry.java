package org.galley.core.tools;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** The tools this cluster runs, loaded once at start from {@code galley.tools}. */
public final class ToolRegistry {

  /** Loads {@code galley.tools.list} and every {@code *.conf} in {@code galley.tools.dir}; fails naming the bad tool. */
  public static ToolRegistry fromConfig(Config config) {
    throw new UnsupportedOperationException("filled in by the tools work");
  }

  public Optional<Tool> find(String id) {
    throw new UnsupportedOperationException("filled in by the tools work");
  }

  /** Every tool, sorted by id. */
  public Collection<Tool> all() {
    throw new UnsupportedOperationException("filled in by the tools work");
  }

  /**
   * Checks raw inputs (as Jackson reads a JSON object: String, Integer, Long, Double, Boolean,
   * ...) against the tool's parameters: unknown names, missing required values, wrong types,
   * bounds, patterns, lengths and options. Returns the typed values with defaults applied
   * (Long for integer, Double for float, Boolean, String), ready to store as the job's inputs.
   *
   * @throws InvalidInputException naming the first parameter at fault
   */
  public static Map<String, Object> validate(Tool tool, Map<String, Object> rawInputs) {
    throw new UnsupportedOperationException("filled in by the tools work");
  }

  /** Renders the tool's argv and stdin for validated inputs and a job directory. */
  public static CommandLine render(Tool tool, Map<String, Object> inputs, Path jobDirectory) {
    throw new UnsupportedOperationException("filled in by the tools work");
  }
}
