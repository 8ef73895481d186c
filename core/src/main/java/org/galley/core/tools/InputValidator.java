package org.galley.core.tools;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.galley.core.tools.ToolParameter.ParameterType;

/**
 * Checks raw inputs, as Jackson reads a JSON object, against a tool's parameters and turns them
 * into typed values (Long, Double, Boolean, String). The same check guards parameter defaults at
 * load time, so a default can never be a value a user would be refused.
 *
 * <p>Nothing is coerced from strings: {@code "5"} is not an integer. An integer is any number with
 * no fractional part (JSON itself does not tell {@code 5} from {@code 5.0}).
 */
final class InputValidator {

  /** Longest piece of a bad value quoted back in a message; inputs may be megabytes. */
  static final int PREVIEW_LENGTH = 100;

  /** Doubles beyond this no longer hold every integer exactly; such a value is refused, not rounded. */
  private static final double EXACT_DOUBLE_INTEGER = 9007199254740992d; // 2^53

  /** Compiled patterns by source; few and fixed, since only the operator's tool files hold them. */
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private InputValidator() {}

  static Map<String, Object> validate(Tool tool, Map<String, ?> rawInputs) {
    Map<String, ?> raw = rawInputs == null ? Map.of() : rawInputs;
    for (String name : raw.keySet()) {
      if (tool.parameters().stream().noneMatch(p -> p.name().equals(name))) {
        throw new InvalidInputException(
            name, "unknown parameter '" + preview(name) + "' of tool '" + tool.id() + "'");
      }
    }
    Map<String, Object> typed = new LinkedHashMap<>();
    for (ToolParameter p : tool.parameters()) {
      // JSON null means "not given": clients often send every field of a form.
      Object value = raw.get(p.name());
      if (value != null) {
        typed.put(p.name(), checkValue(p, value));
      } else if (p.defaultValue().isPresent()) {
        typed.put(p.name(), p.defaultValue().get());
      } else if (p.required()) {
        throw new InvalidInputException(p.name(), "parameter '" + p.name() + "' is required");
      }
    }
    return Collections.unmodifiableMap(typed);
  }

  /** Checks one non-null value and returns it typed. */
  static Object checkValue(ToolParameter p, Object raw) {
    return switch (p.type()) {
      case INTEGER -> checkInteger(p, raw);
      case FLOAT -> checkFloat(p, raw);
      case BOOLEAN -> {
        if (!(raw instanceof Boolean b)) {
          throw wrongType(p, "a boolean (true or false)", raw);
        }
        yield b;
      }
      case TEXT -> checkText(p, raw);
      case SELECT -> checkSelect(p, raw);
    };
  }

  private static Long checkInteger(ToolParameter p, Object raw) {
    long v = integerValue(p, raw);
    if (p.min().isPresent() && v < (long) p.min().get().doubleValue()) {
      throw invalid(p, "must be at least " + bound(p, p.min().get()) + ", got " + v);
    }
    if (p.max().isPresent() && v > (long) p.max().get().doubleValue()) {
      throw invalid(p, "must be at most " + bound(p, p.max().get()) + ", got " + v);
    }
    return v;
  }

  private static long integerValue(ToolParameter p, Object raw) {
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger b) {
      if (b.bitLength() >= Long.SIZE) {
        throw outOfRange(p, raw);
      }
      return b.longValue();
    }
    if (raw instanceof BigDecimal d) {
      BigDecimal s = d.stripTrailingZeros();
      if (s.scale() > 0) {
        throw wrongType(p, "an integer", raw);
      }
      // Look at the digit count first: 1E+999999999 would otherwise expand to a billion digits.
      if (s.precision() - s.scale() > 19) {
        throw outOfRange(p, raw);
      }
      try {
        return s.longValueExact();
      } catch (ArithmeticException e) {
        throw outOfRange(p, raw);
      }
    }
    if (raw instanceof Double || raw instanceof Float) {
      double v = ((Number) raw).doubleValue();
      if (!Double.isFinite(v) || v != Math.rint(v)) {
        throw wrongType(p, "an integer", raw);
      }
      if (Math.abs(v) > EXACT_DOUBLE_INTEGER) {
        throw outOfRange(p, raw);
      }
      return (long) v;
    }
    throw wrongType(p, "an integer", raw);
  }

  private static Double checkFloat(ToolParameter p, Object raw) {
    if (!(raw instanceof Number n)) {
      throw wrongType(p, "a number", raw);
    }
    double v = n.doubleValue();
    if (!Double.isFinite(v)) {
      throw outOfRange(p, raw);
    }
    if (p.min().isPresent() && v < p.min().get()) {
      throw invalid(p, "must be at least " + bound(p, p.min().get()) + ", got " + plain(v));
    }
    if (p.max().isPresent() && v > p.max().get()) {
      throw invalid(p, "must be at most " + bound(p, p.max().get()) + ", got " + plain(v));
    }
    return v;
  }

  private static String checkText(ToolParameter p, Object raw) {
    if (!(raw instanceof String s)) {
      throw wrongType(p, "a string", raw);
    }
    // Java refuses NUL in an argv element at start time; refuse it here so the user hears why.
    int nul = s.indexOf('\0');
    if (nul >= 0) {
      throw invalid(p, "must not contain NUL characters (found one at position " + nul + ")");
    }
    // Length before pattern: an operator's pattern should never run over an over-long value.
    if (p.maxLength().isPresent()) {
      int length = s.codePointCount(0, s.length());
      if (length > p.maxLength().get()) {
        throw invalid(p, "must be at most " + p.maxLength().get() + " characters long, got "
            + length + ": " + quote(s));
      }
    }
    if (p.pattern().isPresent() && !compiled(p.pattern().get()).matcher(s).matches()) {
      throw invalid(p, "must match the pattern " + p.pattern().get() + ", got " + quote(s));
    }
    return s;
  }

  private static String checkSelect(ToolParameter p, Object raw) {
    if (!(raw instanceof String s)) {
      throw wrongType(p, "a string, one of " + options(p.options()), raw);
    }
    if (!p.options().contains(s)) {
      throw invalid(p, "must be one of " + options(p.options()) + ", got " + quote(s));
    }
    return s;
  }

  static Pattern compiled(String regex) {
    return PATTERNS.computeIfAbsent(regex, Pattern::compile);
  }

  private static InvalidInputException invalid(ToolParameter p, String rule) {
    return new InvalidInputException(p.name(), "parameter '" + p.name() + "' " + rule);
  }

  private static InvalidInputException wrongType(ToolParameter p, String expected, Object raw) {
    return invalid(p, "must be " + expected + ", got " + describe(raw));
  }

  private static InvalidInputException outOfRange(ToolParameter p, Object raw) {
    String kind = p.type() == ParameterType.INTEGER ? "a 64-bit integer" : "a double";
    return invalid(p, "is out of the range of " + kind + ", got " + preview(raw.toString()));
  }

  /** What a raw JSON value is, with a preview of it, for wrong-type messages. */
  static String describe(Object raw) {
    if (raw instanceof String s) {
      return "a string " + quote(s);
    }
    if (raw instanceof Boolean b) {
      return "a boolean " + b;
    }
    if (raw instanceof Number n) {
      return "a number " + preview(n.toString());
    }
    if (raw instanceof List<?> || raw instanceof Object[]) {
      return "a list";
    }
    if (raw instanceof Map<?, ?>) {
      return "an object";
    }
    return "a " + raw.getClass().getSimpleName();
  }

  /** The value in double quotes, control characters escaped, cut to {@link #PREVIEW_LENGTH}. */
  static String quote(String s) {
    return "\"" + preview(s) + "\"";
  }

  static String preview(String s) {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < s.length() && shown < PREVIEW_LENGTH; i++, shown++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (Character.isISOControl(c)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (s.length() > shown) {
      sb.append("...(").append(s.length()).append(" characters)");
    }
    return sb.toString();
  }

  private static String options(List<String> options) {
    return options.stream().map(InputValidator::quote).toList().toString();
  }

  private static String bound(ToolParameter p, double bound) {
    return p.type() == ParameterType.INTEGER ? Long.toString((long) bound) : plain(bound);
  }

  /**
   * Decimal text of a double with no exponent and no trailing zeros ({@code 0.0000001}, not
   * {@code 1.0E-7}): not every program parses exponents, and argv is what the program sees.
   */
  static String plain(double v) {
    String s = BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }
}
