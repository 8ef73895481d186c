package org.galley.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API keys: 32 random bytes in URL-safe base64, so they survive headers, query strings and shells
 * unquoted. Only their SHA-256 is ever stored; a random 256-bit key needs no salt or slow hash,
 * because nobody can guess it from a dictionary.
 */
public final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** One digest per thread: looking the algorithm up costs as much as hashing a key, on every request. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  });

  private ApiKeys() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Lower-case hex SHA-256 of the key's UTF-8 bytes, as stored in {@code api_user.key_hash}. */
  public static String hash(String key) {
    // digest() resets it for the next use.
    return HexFormat.of().formatHex(SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** Compares two hashes in time independent of where they differ, so timing tells nothing about a key. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
