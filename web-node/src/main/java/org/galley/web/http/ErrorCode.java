package org.galley.web.http;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The {@code err_code} of an error response: the HTTP status times 1000 plus a detail number, the
 * scheme Galaxy's API uses, so a client can tell a bad parameter from a malformed body without
 * parsing the message.
 */
public enum ErrorCode {
  MALFORMED_BODY(StatusCodes.BAD_REQUEST, 1),
  UNKNOWN_TOOL(StatusCodes.BAD_REQUEST, 2),
  INVALID_INPUT(StatusCodes.BAD_REQUEST, 3),
  INVALID_QUERY(StatusCodes.BAD_REQUEST, 4),
  INVALID_HANDLER_NAME(StatusCodes.BAD_REQUEST, 5),
  INVALID_IDEMPOTENCY_KEY(StatusCodes.BAD_REQUEST, 6),
  INVALID_USER_NAME(StatusCodes.BAD_REQUEST, 7),
  NO_KEY(StatusCodes.UNAUTHORIZED, 1),
  BAD_KEY(StatusCodes.FORBIDDEN, 1),
  ADMIN_REQUIRED(StatusCodes.FORBIDDEN, 2),
  USER_DISABLED(StatusCodes.FORBIDDEN, 3),
  NOT_FOUND(StatusCodes.NOT_FOUND, 1),
  METHOD_NOT_ALLOWED(StatusCodes.METHOD_NOT_ALLOWED, 1),
  CONFLICT(StatusCodes.CONFLICT, 1),
  IDEMPOTENCY_KEY_REUSED(StatusCodes.UNPROCESSABLE_CONTENT, 1),
  BODY_TOO_LARGE(StatusCodes.CONTENT_TOO_LARGE, 1),
  /** Too many failed authentications from one client address. */
  AUTH_FAILURES(StatusCodes.TOO_MANY_REQUESTS, 1),
  /** Submissions of one user above galley.limits.user-submit-rate. */
  SUBMIT_RATE(StatusCodes.TOO_MANY_REQUESTS, 2),
  INTERNAL(StatusCodes.INTERNAL_SERVER_ERROR, 1),
  DATABASE_UNAVAILABLE(StatusCodes.SERVICE_UNAVAILABLE, 1),
  TIMED_OUT(StatusCodes.SERVICE_UNAVAILABLE, 2),
  CLUSTER_UNAVAILABLE(StatusCodes.SERVICE_UNAVAILABLE, 3),
  /** No method of galley.jobs.assign-with applies to the job: a configuration problem, not the client's. */
  NO_ASSIGNMENT(StatusCodes.SERVICE_UNAVAILABLE, 4);

  private final StatusCode status;
  private final int code;

  ErrorCode(StatusCode status, int detail) {
    this.status = status;
    this.code = status.intValue() * 1000 + detail;
  }

  public StatusCode status() {
    return status;
  }

  public int code() {
    return code;
  }

  /** The code of an error Pekko HTTP answered itself (no route matched, bad header, ...). */
  public static int forStatus(StatusCode status) {
    for (ErrorCode c : values()) {
      if (c.status.equals(status) && c.code % 1000 == 1) {
        return c.code;
      }
    }
    return status.intValue() * 1000;
  }
}
