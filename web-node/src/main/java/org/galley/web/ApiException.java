package org.galley.web;

/**
 * A request the API refuses, with the code and message the client sees. Thrown anywhere while a
 * request is handled (also inside futures); {@link ErrorHandling} turns it into the JSON answer.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;

  public ApiException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static ApiException notFound(String message) {
    return new ApiException(ErrorCode.NOT_FOUND, message);
  }

  public static ApiException malformed(String message) {
    return new ApiException(ErrorCode.MALFORMED_BODY, message);
  }
}
