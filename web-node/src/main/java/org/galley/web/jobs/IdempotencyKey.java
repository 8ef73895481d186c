package org.galley.web.jobs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.galley.web.http.ApiException;
import org.galley.web.http.ErrorCode;

/**
 * The {@code Idempotency-Key} header of {@code POST /api/jobs}: a client's name for one
 * submission, so that retrying it after a lost answer or a refused connection never creates a
 * second job. Up to 255 visible ASCII characters, as the IETF draft and Stripe allow.
 */
public final class IdempotencyKey {
  public static final String HEADER = "Idempotency-Key";
  /** Set on the answer to a retry: the jobs are those of the first request. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";
  static final int MAX_LENGTH = 255;

  private IdempotencyKey() {}

  /** The key as sent; a 400 if it is empty, too long or holds other than visible ASCII. */
  static String check(String value) {
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new ApiException(ErrorCode.INVALID_IDEMPOTENCY_KEY,
          HEADER + ": 1 to " + MAX_LENGTH + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch < 0x21 || ch > 0x7e) {
        throw new ApiException(ErrorCode.INVALID_IDEMPOTENCY_KEY,
            HEADER + ": only visible ASCII characters, found code " + (int) ch + " at " + i);
      }
    }
    return value;
  }

  /** SHA-256 of the body in hex: a key reused with another body is told apart from a retry. */
  static String hash(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
