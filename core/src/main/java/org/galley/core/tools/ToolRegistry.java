package org.galley.core.tools;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.galley.core.destinations.Destination;
import org.galley.core.destinations.Destinations;

/**
 * The tools this cluster runs, loaded once at start from {@code galley.tools}: the inline
 * {@code list} (the shipped samples of {@code galley-sample-tools.conf} unless overridden) and
 * every {@code *.conf} file of {@code dir}. Immutable, so web and handler nodes share it freely.
 *
 * <p>Web nodes call {@link #validate} on submission; handlers call {@link #render}, which checks
 * again, just before starting a job.
 */
public final class ToolRegistry {

  private final SortedMap<String, Tool> tools;
  private final Destinations destinations;

  private ToolRegistry(SortedMap<String, Tool> tools, Destinations destinations) {
    this.tools = Collections.unmodifiableSortedMap(tools);
    this.destinations = destinations;
  }

  /** The destinations the tools were checked against: where their jobs run. */
  public Destinations destinations() {
    return destinations;
  }

  /**
   * Loads {@code galley.tools.list} and every {@code *.conf} in {@code galley.tools.dir}, checked
   * against the destinations of the same config; fails naming the bad tool.
   */
  public static ToolRegistry fromConfig(Config config) {
    return fromConfig(config, Destinations.fromConfig(config));
  }

  /** As {@link #fromConfig(Config)}, for a caller that has read the destinations already. */
  public static ToolRegistry fromConfig(Config config, Destinations destinations) {
    return of(ToolLoader.load(config), destinations);
  }

  /** Tools built in code, against the implicit destinations only ({@code local}, {@code noop}). */
  public static ToolRegistry of(Collection<Tool> tools) {
    return of(tools, Destinations.implicit());
  }

  /**
   * A registry of tools built in code, held to the same rules as loaded ones. The destination
   * check lives here rather than in {@link ToolChecks} because it is about the cluster, not the
   * tool: the same tool file may be valid on one cluster and not on another.
   *
   * @throws IllegalArgumentException naming the first bad tool and field, or a duplicate id
   */
  public static ToolRegistry of(Collection<Tool> tools, Destinations destinations) {
    SortedMap<String, Tool> byId = new TreeMap<>();
    for (Tool tool : tools) {
      ToolChecks.check(tool, "");
      checkDestination(tool, destinations);
      if (byId.putIfAbsent(tool.id(), tool) != null) {
        throw new IllegalArgumentException("tool '" + tool.id() + "': id: duplicate");
      }
    }
    return new ToolRegistry(byId, destinations);
  }

  private static void checkDestination(Tool tool, Destinations destinations) {
    if (tool.destination().isEmpty()) {
      return;
    }
    String name = tool.destination().get();
    Destination d = destinations.find(name).orElseThrow(() -> new IllegalArgumentException("tool '" + tool.id()
        + "': destination: no destination '" + name + "' (destinations: " + destinations.all().keySet() + ")"));
    // `runner` defaults to local, so only another runner is a choice that could contradict the destination.
    if (!tool.runner().equals(Destination.LOCAL) && !tool.runner().equals(d.runner())) {
      throw new IllegalArgumentException("tool '" + tool.id() + "': runner, destination: runner '" + tool.runner()
          + "' but destination '" + name + "' runs " + d.runner() + "; set one of them");
    }
  }

  public Optional<Tool> find(String id) {
    return Optional.ofNullable(id).map(tools::get);
  }

  /** Every tool, sorted by id. */
  public Collection<Tool> all() {
    return tools.values();
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
    return InputValidator.validate(tool, rawInputs);
  }

  /**
   * Renders the tool's argv and stdin for validated inputs and a job directory. Parameters with
   * {@code as-file} become files under {@code <jobDirectory>/inputs/}, listed in
   * {@link CommandLine#files()} for the caller to write before starting the process.
   *
   * @throws InvalidInputException if the inputs no longer pass {@link #validate}, for instance
   *     because the tool changed since the job was submitted
   */
  public static CommandLine render(Tool tool, Map<String, Object> inputs, Path jobDirectory) {
    return CommandRenderer.render(tool, inputs, jobDirectory);
  }

  /** One line for the start-up log: which tools, which versions. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("tools:");
    tools.values().forEach(t -> sb.append(' ').append(t.id()).append(' ').append(t.version()).append(','));
    if (!tools.isEmpty()) {
      sb.setLength(sb.length() - 1);
    } else {
      sb.append(" none");
    }
    return sb.toString();
  }
}
