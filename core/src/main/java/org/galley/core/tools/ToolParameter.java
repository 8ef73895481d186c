package org.galley.core.tools;

import java.util.List;
import java.util.Optional;

/**
 * One typed parameter of a tool.
 *
 * @param type text, integer, float, boolean or select
 * @param defaultValue used when the input omits the parameter; empty with required=false means "absent"
 * @param min lower bound of integer and float values (inclusive)
 * @param max upper bound of integer and float values (inclusive)
 * @param pattern regular expression a text value must match in full
 * @param maxLength longest text value, in characters
 * @param options allowed values of a select
 * @param asFile write the value to a file in the job directory and put its path into argv
 * @param trueValue argv text of boolean true (Galaxy's truevalue); "true" unless set
 * @param falseValue argv text of boolean false; "false" unless set; an empty argv element is dropped
 */
public record ToolParameter(
    String name,
    ParameterType type,
    String description,
    boolean required,
    Optional<Object> defaultValue,
    Optional<Double> min,
    Optional<Double> max,
    Optional<String> pattern,
    Optional<Integer> maxLength,
    List<String> options,
    boolean asFile,
    String trueValue,
    String falseValue) {

  public ToolParameter {
    options = List.copyOf(options);
  }

  /** Parameter types. */
  public enum ParameterType {
    TEXT,
    INTEGER,
    FLOAT,
    BOOLEAN,
    SELECT
  }
}
