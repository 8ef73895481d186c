package org.galley.core.tools;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.galley.core.destinations.Resources;
import org.galley.core.tools.ToolParameter.ParameterType;
import org.galley.protocol.Pools;

/**
 * The rules a {@link Tool} must keep to be registered, checked on the records so that tools built
 * in code (tests, other modules) meet the same bar as tools loaded from HOCON. Every failure is an
 * {@link IllegalArgumentException} naming the tool and the field, because an operator reads it in a
 * start-up log and must find the line to fix.
 */
final class ToolChecks {

  /** Tool ids travel in URLs and job rows; the length cap matches pool and server names. */
  static final Pattern TOOL_ID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

  private ToolChecks() {}

  /**
   * Checks one tool.
   *
   * @param where where the tool was defined (config path, file, line), or empty
   */
  static void check(Tool tool, String where) {
    if (tool.id() == null || !TOOL_ID.matcher(tool.id()).matches()) {
      throw new IllegalArgumentException("tool '" + tool.id() + "'" + suffix(where)
          + ": id: use 1 to 100 letters, digits, '_', '.' or '-'");
    }
    String at = "tool '" + tool.id() + "'" + suffix(where) + ": ";
    require(tool.version() != null && !tool.version().isBlank(), at + "version: must not be empty");
    require(tool.description() != null, at + "description: must not be null");
    checkParameters(tool.parameters(), at);
    checkArgv(tool, at);
    tool.pool().ifPresent(pool -> {
      try {
        Pools.requireValid(pool);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + "pool: " + e.getMessage(), e);
      }
      // Pools of one are addressed with `handler`, so that targetPool() stays the only mapping.
      require(!Pools.isHandlerPool(pool), at + "pool: '" + pool + "' is a handler's own pool; set handler instead");
    });
    tool.handler().ifPresent(h -> require(NAME.matcher(h).matches(),
        at + "handler: invalid server name '" + h + "'"));
    // With both set, one of them would be silently ignored by targetPool().
    require(tool.pool().isEmpty() || tool.handler().isEmpty(), at + "pool, handler: set one of them, not both");
    require(tool.runner() != null && NAME.matcher(tool.runner()).matches(),
        at + "runner: invalid runner name '" + tool.runner() + "'");
    tool.walltime().ifPresent(w -> require(!w.isNegative() && !w.isZero(), at + "walltime: must be positive, got " + w));
    checkResources(tool, at);
    tool.destination().ifPresent(d -> require(NAME.matcher(d).matches(),
        at + "destination: invalid destination name '" + d + "'"));
  }

  private static void checkResources(Tool tool, String at) {
    Resources r = tool.resources();
    require(r != null, at + "resources: must not be null (Resources.NONE for none)");
    require(r.cores() >= 1, at + "resources.cores: at least 1, got " + r.cores());
    r.memMb().ifPresent(m -> require(m > 0, at + "resources.mem: must be positive, got " + m + " MB"));
    r.walltime().ifPresent(w -> require(!w.isNegative() && !w.isZero(),
        at + "resources.walltime: must be positive, got " + w));
    // Either could win silently; the operator should say which one they meant.
    require(tool.walltime().isEmpty() || r.walltime().isEmpty(),
        at + "walltime, resources.walltime: set one of them, not both");
  }

  private static void checkArgv(Tool tool, String at) {
    require(!tool.argv().isEmpty(), at + "argv: must name at least the program");
    Set<String> names = parameterNames(tool);
    for (int i = 0; i < tool.argv().size(); i++) {
      String element = tool.argv().get(i);
      Template t = template(element, at + "argv[" + i + "]: ");
      // The program itself is never chosen by a user.
      require(i > 0 || (!t.hasPlaceholders() && !element.isEmpty()),
          at + "argv[0]: the program must be fixed text, got \"" + element + "\"");
      requireNoNul(element, at + "argv[" + i + "]");
      checkNames(t, names, at + "argv[" + i + "]: ");
    }
    tool.stdin().ifPresent(s -> {
      requireNoNul(s, at + "stdin");
      Template t = template(s, at + "stdin: ");
      checkNames(t, names, at + "stdin: ");
      // stdin is a path the handler opens: free text there would let a user read any of its files.
      for (ToolParameter p : tool.parameters()) {
        require(!(p.type() == ParameterType.TEXT && !p.asFile() && t.parameterNames().contains(p.name())),
            at + "stdin: ${" + p.name() + "} is free text and would choose the file read; make it as-file");
      }
    });
  }

  private static void checkParameters(List<ToolParameter> parameters, String at) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < parameters.size(); i++) {
      ToolParameter p = parameters.get(i);
      String name = p.name();
      require(name != null && Template.PARAMETER_NAME.matcher(name).matches(), at + "parameters[" + i
          + "].name: '" + name + "' must start with a letter or '_' and hold letters, digits, '_' or '-'");
      require(seen.add(name), at + "parameters[" + i + "].name: duplicate parameter '" + name + "'");
      checkParameter(p, at + "parameter '" + name + "' ");
    }
  }

  private static void checkParameter(ToolParameter p, String at) {
    require(p.type() != null, at + "type: must be set");
    boolean numeric = p.type() == ParameterType.INTEGER || p.type() == ParameterType.FLOAT;
    require(numeric || (p.min().isEmpty() && p.max().isEmpty()), at + "min, max: only for integer and float");
    if (numeric) {
      p.min().ifPresent(v -> checkBound(p, v, at + "min: "));
      p.max().ifPresent(v -> checkBound(p, v, at + "max: "));
      if (p.min().isPresent() && p.max().isPresent()) {
        require(p.min().get() <= p.max().get(), at + "min, max: min " + p.min().get() + " is above max " + p.max().get());
      }
    }
    boolean text = p.type() == ParameterType.TEXT;
    require(text || (p.pattern().isEmpty() && p.maxLength().isEmpty() && !p.asFile()),
        at + "pattern, max-length, as-file: only for text");
    p.pattern().ifPresent(regex -> {
      try {
        InputValidator.compiled(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(at + "pattern: not a regular expression: " + e.getDescription(), e);
      }
    });
    p.maxLength().ifPresent(n -> require(n > 0, at + "max-length: must be positive, got " + n));
    if (p.type() == ParameterType.SELECT) {
      require(!p.options().isEmpty(), at + "options: a select needs at least one option");
      require(Set.copyOf(p.options()).size() == p.options().size(), at + "options: duplicate option in " + p.options());
      p.options().forEach(o -> requireNoNul(o, at + "options"));
    } else {
      require(p.options().isEmpty(), at + "options: only for select");
    }
    require(p.trueValue() != null && p.falseValue() != null, at + "true-value, false-value: must not be null");
    requireNoNul(p.trueValue(), at + "true-value");
    requireNoNul(p.falseValue(), at + "false-value");
    // A default of a required parameter could never be used; say so rather than keep a dead value.
    require(!(p.required() && p.defaultValue().isPresent()), at + "default: a required parameter takes no default");
    p.defaultValue().ifPresent(d -> {
      try {
        Object typed = InputValidator.checkValue(p, d);
        // validate() hands defaults out as they are, so they must already have the typed class.
        require(typed.equals(d), at + "default: must be a " + typed.getClass().getSimpleName()
            + ", got a " + d.getClass().getSimpleName());
      } catch (InvalidInputException e) {
        throw new IllegalArgumentException(at + "default: " + e.getMessage(), e);
      }
    });
  }

  private static void checkBound(ToolParameter p, double v, String at) {
    require(Double.isFinite(v), at + "must be a finite number, got " + v);
    // The validator compares integers as longs: a fractional bound would be silently truncated.
    require(p.type() != ParameterType.INTEGER || v == Math.rint(v), at + "an integer bound must be whole, got " + v);
  }

  private static void checkNames(Template t, Set<String> names, String at) {
    for (String name : t.parameterNames()) {
      require(names.contains(name), at + "placeholder ${" + name + "} names no parameter of the tool (parameters: "
          + names + ")");
    }
  }

  private static Template template(String text, String at) {
    try {
      return Template.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + e.getMessage(), e);
    }
  }

  private static Set<String> parameterNames(Tool tool) {
    Set<String> names = new java.util.LinkedHashSet<>();
    tool.parameters().forEach(p -> names.add(p.name()));
    return names;
  }

  private static void requireNoNul(String s, String at) {
    require(s.indexOf('\0') < 0, at + ": must not contain NUL characters");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static String suffix(String where) {
    return where == null || where.isEmpty() ? "" : " (" + where + ")";
  }
}
