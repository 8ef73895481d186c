package org.galley.core.tools;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One argv element or stdin template, split into literal text and {@code ${name}} placeholders of
 * parameters. Rendering only concatenates strings: a value can never become more than the one argv
 * element it sits in, which is what keeps user input away from any shell.
 *
 * <p>Every {@code ${} must open a well-formed placeholder. A stray one is a load error rather than
 * literal text, so that a typo such as {@code "${text"} does not silently pass the braces to the
 * program; constant shell snippets use {@code $1} or {@code $VAR} instead.
 */
final class Template {

  /** Parameter names: they become file names under {@code inputs/}, so no dots or slashes. */
  static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\{(" + PARAMETER_NAME.pattern() + ")}");

  /** A piece of a template: literal text or a placeholder. */
  sealed interface Segment {}

  record Literal(String text) implements Segment {}

  record Placeholder(String name) implements Segment {}

  private final List<Segment> segments;

  private Template(List<Segment> segments) {
    this.segments = List.copyOf(segments);
  }

  /**
   * Splits a template.
   *
   * @throws IllegalArgumentException if a {@code ${} does not open a valid placeholder
   */
  static Template parse(String text) {
    List<Segment> out = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int from = 0;
    while (true) {
      int open = text.indexOf("${", from);
      if (open < 0) {
        break;
      }
      m.region(open, text.length());
      if (!m.lookingAt()) {
        throw new IllegalArgumentException(
            "malformed placeholder at position " + open + " of \"" + text
                + "\" (write ${name} with a parameter name; a literal '${' is not allowed)");
      }
      if (open > from) {
        out.add(new Literal(text.substring(from, open)));
      }
      out.add(new Placeholder(m.group(1)));
      from = m.end();
    }
    if (from < text.length()) {
      out.add(new Literal(text.substring(from)));
    }
    return new Template(out);
  }

  List<Segment> segments() {
    return segments;
  }

  /** Names of the parameters this template mentions, in order of first use. */
  Set<String> parameterNames() {
    Set<String> names = new LinkedHashSet<>();
    for (Segment s : segments) {
      if (s instanceof Placeholder p) {
        names.add(p.name());
      }
    }
    return names;
  }

  boolean hasPlaceholders() {
    return segments.stream().anyMatch(s -> s instanceof Placeholder);
  }

  /** True when the whole template is one placeholder: such an argv element is dropped when empty. */
  boolean isSinglePlaceholder() {
    return segments.size() == 1 && segments.get(0) instanceof Placeholder;
  }

  /** Concatenates literals and the text of each placeholder's value. */
  String render(Function<String, String> valueText) {
    StringBuilder sb = new StringBuilder();
    for (Segment s : segments) {
      if (s instanceof Literal l) {
        sb.append(l.text());
      } else {
        sb.append(valueText.apply(((Placeholder) s).name()));
      }
    }
    return sb.toString();
  }
}
