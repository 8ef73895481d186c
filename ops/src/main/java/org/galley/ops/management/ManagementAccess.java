package org.galley.ops.management;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.galley.web.auth.ApiKeys;

/**
 * Who may do what on the management port once it binds beyond loopback: {@code /alive} and
 * {@code /ready} are open (probes, the CLI's readiness gate); reading ({@code GET}, {@code HEAD})
 * needs the configured basic user or the admin key; everything else (leave, down) needs the admin
 * key. Pure decisions over a request's method, path and headers, so they are tested without a server.
 */
public final class ManagementAccess {
  /** The admin's user name in HTTP basic, as on the API. */
  public static final String ADMIN_USER = "admin";
  private static final Set<String> OPEN_PATHS = Set.of("/alive", "/ready");
  private static final Set<String> READING = Set.of("GET", "HEAD");

  /** What a request gets. */
  public enum Decision { ALLOW, NO_CREDENTIALS, BAD_CREDENTIALS, ADMIN_REQUIRED }

  private enum Who { NOBODY, VIEWER, ADMIN }

  private final List<String> adminKeyHashes;
  private final String user;
  private final String passwordHash;

  /**
   * @param adminKeys the admin keys accepted (the current one, and the previous one during a rotation)
   * @param user basic user who may read; empty: none
   * @param password that user's password
   */
  public ManagementAccess(List<String> adminKeys, String user, String password) {
    if (!user.isEmpty() && password.isEmpty()) {
      throw new IllegalArgumentException("galley.management.password: must be set when galley.management.user is");
    }
    if (user.equals(ADMIN_USER)) {
      throw new IllegalArgumentException("galley.management.user: 'admin' is the admin key's user name; pick another");
    }
    this.adminKeyHashes = new ArrayList<>();
    for (String k : adminKeys) {
      if (k != null && !k.isBlank()) {
        adminKeyHashes.add(ApiKeys.hash(k.trim()));
      }
    }
    if (adminKeyHashes.isEmpty()) {
      throw new IllegalArgumentException("management protection needs the admin key");
    }
    this.user = user;
    this.passwordHash = password.isEmpty() ? "" : ApiKeys.hash(password);
  }

  /**
   * @param authorization the {@code Authorization} header, if any
   * @param apiKey the {@code x-api-key} header, if any
   */
  public Decision decide(String method, String path, Optional<String> authorization, Optional<String> apiKey) {
    if (OPEN_PATHS.contains(path) && READING.contains(method)) {
      return Decision.ALLOW;
    }
    if (authorization.isEmpty() && apiKey.isEmpty()) {
      return Decision.NO_CREDENTIALS;
    }
    Who who = apiKey.isPresent() ? (isAdminKey(apiKey.get()) ? Who.ADMIN : Who.NOBODY) : ofBasic(authorization.get());
    if (who == Who.NOBODY) {
      return Decision.BAD_CREDENTIALS;
    }
    if (who == Who.VIEWER && !READING.contains(method)) {
      return Decision.ADMIN_REQUIRED;
    }
    return Decision.ALLOW;
  }

  private Who ofBasic(String header) {
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Who.NOBODY;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Who.NOBODY;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Who.NOBODY;
    }
    String name = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    if (name.equals(ADMIN_USER)) {
      return isAdminKey(password) ? Who.ADMIN : Who.NOBODY;
    }
    if (!user.isEmpty() && name.equals(user) && ApiKeys.sameHash(ApiKeys.hash(password), passwordHash)) {
      return Who.VIEWER;
    }
    return Who.NOBODY;
  }

  private boolean isAdminKey(String key) {
    String hash = ApiKeys.hash(key.trim());
    boolean any = false;
    for (String h : adminKeyHashes) {
      any |= ApiKeys.sameHash(hash, h);
    }
    return any;
  }
}
