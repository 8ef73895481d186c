package org.galley.core.tools;

/** A tool execution's inputs are wrong; the message names the field and says what is wrong. */
public final class InvalidInputException extends RuntimeException {
  private final String field;

  public InvalidInputException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The parameter (or top-level field such as {@code tool_id}) at fault. */
  public String field() {
    return field;
  }
}
