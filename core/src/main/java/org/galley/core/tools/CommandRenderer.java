package org.galley.core.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a tool and its inputs into a {@link CommandLine}: each argv element and the stdin template
 * is rendered on its own, so a value is only ever part of one argv element and never shell text.
 *
 * <p>Inputs are checked again here. They were checked at submission, but they are rendered on a
 * handler, maybe after a restart under a changed tool file, and after a trip through the job table
 * (where a Long comes back as an Integer); running with inputs the tool no longer accepts would be
 * worse than failing the job with the reason.
 */
final class CommandRenderer {

  /** Subdirectory of the job directory for parameters passed as files. */
  static final String INPUTS_DIRECTORY = "inputs";

  private CommandRenderer() {}

  static CommandLine render(Tool tool, Map<String, ?> inputs, Path jobDirectory) {
    Map<String, Object> values = InputValidator.validate(tool, inputs);
    // The runner starts the process inside the job directory, so a relative path would point
    // somewhere else for the process than for the writer of the files.
    Path dir = jobDirectory.toAbsolutePath().normalize();
    Map<Path, String> files = new LinkedHashMap<>();
    Map<String, String> texts = new HashMap<>();
    for (ToolParameter p : tool.parameters()) {
      Object value = values.get(p.name());
      if (value == null) {
        continue; // absent optional parameter: renders as ""
      }
      if (p.asFile()) {
        Path file = dir.resolve(INPUTS_DIRECTORY).resolve(p.name());
        files.put(file, (String) value);
        texts.put(p.name(), file.toString());
      } else {
        texts.put(p.name(), argText(p, value));
      }
    }
    List<String> argv = new ArrayList<>();
    for (String element : tool.argv()) {
      Template t = Template.parse(element);
      String rendered = t.render(name -> text(tool, texts, name));
      // `false-value = ""` and absent optional parameters remove their whole element, so that
      // the program does not receive an empty argument it would take for a file name.
      if (!(rendered.isEmpty() && t.isSinglePlaceholder())) {
        argv.add(rendered);
      }
    }
    Optional<Path> stdin = tool.stdin()
        .map(s -> Template.parse(s).render(name -> text(tool, texts, name)))
        .filter(s -> !s.isEmpty())
        .map(dir::resolve);
    return new CommandLine(argv, stdin, files);
  }

  /** The argv text of a typed value. */
  static String argText(ToolParameter p, Object value) {
    return switch (p.type()) {
      case BOOLEAN -> (Boolean) value ? p.trueValue() : p.falseValue();
      case INTEGER -> Long.toString((Long) value);
      case FLOAT -> InputValidator.plain((Double) value);
      case TEXT, SELECT -> (String) value;
    };
  }

  private static String text(Tool tool, Map<String, String> texts, String name) {
    if (tool.parameters().stream().noneMatch(p -> p.name().equals(name))) {
      // Only reachable for a Tool that skipped ToolChecks; never render it as "".
      throw new IllegalArgumentException(
          "tool '" + tool.id() + "': placeholder ${" + name + "} names no parameter");
    }
    return texts.getOrDefault(name, "");
  }
}
