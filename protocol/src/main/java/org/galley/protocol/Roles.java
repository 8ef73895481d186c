package org.galley.protocol;

/** Cluster role names: {@code web}, {@code handler} and {@code pool:<name>} per served pool. */
public final class Roles {
  public static final String WEB = "web";
  public static final String HANDLER = "handler";
  private static final String POOL_PREFIX = "pool:";

  private Roles() {}

  public static String ofPool(String pool) {
    return POOL_PREFIX + pool;
  }
}
