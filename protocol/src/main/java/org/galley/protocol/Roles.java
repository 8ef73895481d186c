package org.galley.protocol;

/**
 * Cluster role names: {@code web}, {@code handler}, {@code pool:<name>} per served pool, and
 * {@code server:<name>} so that a member can be told apart by its stable server name.
 */
public final class Roles {
  public static final String WEB = "web";
  public static final String HANDLER = "handler";
  private static final String POOL_PREFIX = "pool:";
  private static final String SERVER_PREFIX = "server:";

  private Roles() {}

  public static String ofPool(String pool) {
    return POOL_PREFIX + pool;
  }

  public static String ofServer(String serverName) {
    return SERVER_PREFIX + serverName;
  }

  /** The server name among a member's roles, if it carries one. */
  public static java.util.Optional<String> serverName(java.util.Set<String> roles) {
    return roles.stream().filter(r -> r.startsWith(SERVER_PREFIX)).map(r -> r.substring(SERVER_PREFIX.length())).findFirst();
  }
}
