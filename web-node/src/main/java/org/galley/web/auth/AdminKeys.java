package org.galley.web.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * The admin keys a node accepts: the current one and, while {@code galley admin-key rotate} rolls
 * a new key through the nodes, the previous one ({@code galley.admin-key-previous}), so that nodes
 * still on the old key and those on the new one both accept what the CLI and operators send.
 * Only hashes are held, compared in constant time.
 */
public final class AdminKeys {
  private final List<String> hashes;

  private AdminKeys(List<String> hashes) {
    this.hashes = List.copyOf(hashes);
  }

  public static AdminKeys of(String current) {
    return of(current, "");
  }

  public static AdminKeys of(String current, String previous) {
    if (current == null || current.isBlank()) {
      throw new IllegalArgumentException("the admin key must not be empty");
    }
    List<String> hashes = new ArrayList<>();
    hashes.add(ApiKeys.hash(current.trim()));
    if (previous != null && !previous.isBlank() && !previous.trim().equals(current.trim())) {
      hashes.add(ApiKeys.hash(previous.trim()));
    }
    return new AdminKeys(hashes);
  }

  boolean matches(String hash) {
    boolean any = false;
    for (String h : hashes) {
      any |= ApiKeys.sameHash(hash, h);
    }
    return any;
  }

  public int count() {
    return hashes.size();
  }
}
