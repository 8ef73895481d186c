package org.galley.web.http;

/**
 * A request the API refuses, with the code and message the client sees. Thrown anywhere while a
 * request is handled (also inside futures); {@link ErrorHandling} turns it into the JSON answer.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final long retryAfterSeconds;

  public ApiException(ErrorCode code, String message) {
    this(code, message, 0);
  }

  /** @param retryAfterSeconds sent as {@code Retry-After} when above 0 (429s) */
  public ApiException(ErrorCode code, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public ErrorCode code() {
    return code;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiException notFound(String message) {
    return new ApiException(ErrorCode.NOT_FOUND, message);
  }

  public static ApiException malformed(String message) {
    return new ApiException(ErrorCode.MALFORMED_BODY, message);
  }
}
