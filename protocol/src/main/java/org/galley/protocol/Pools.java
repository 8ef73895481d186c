package org.galley.protocol;

/**
 * Pool names. A pool is Galaxy's handler tag: tools map to a pool, handlers serve pools.
 * Every handler also serves a pool of one named after itself, so a tool mapped to a single
 * handler uses the same dispatch path as any other.
 */
public final class Pools {
  /** The pool of untagged tools and of handlers started without pools. */
  public static final String DEFAULT = "default";

  private static final String HANDLER_PREFIX = "handler.";

  private Pools() {}

  /** The pool of one that only the named handler serves. */
  public static String ofHandler(String serverName) {
    return HANDLER_PREFIX + serverName;
  }

  public static boolean isHandlerPool(String pool) {
    return pool.startsWith(HANDLER_PREFIX);
  }

  /** Pool names are used in cluster roles, entity ids and service keys: keep them plain. */
  public static String requireValid(String pool) {
    if (pool == null || !pool.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
      throw new IllegalArgumentException(
          "invalid pool name '" + pool + "': use letters, digits, '_', '-' and '.', at most 100");
    }
    return pool;
  }
}
