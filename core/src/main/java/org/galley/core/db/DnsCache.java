package org.galley.core.db;

import java.security.Security;
import java.time.Duration;

/**
 * Keeps the JVM's DNS cache short, so that a database restarted at another address behind the same
 * host name is reached by the next new connection. Without a security manager the JVM keeps a
 * successful lookup for 30 s and a failed one for 10 s; the policy is read once, at the first
 * lookup, so this runs first thing in {@code Main}. An operator's own
 * {@code -Dsun.net.inetaddr.ttl} or {@code networkaddress.cache.ttl} in {@code java.security} wins.
 */
public final class DnsCache {
  private DnsCache() {}

  /** Caps successful lookups at {@code ttl} (whole seconds) and keeps no failed one. */
  public static void limit(Duration ttl) {
    if (System.getProperty("sun.net.inetaddr.ttl") == null && Security.getProperty("networkaddress.cache.ttl") == null) {
      Security.setProperty("networkaddress.cache.ttl", Long.toString(ttl.toSeconds()));
    }
    if (System.getProperty("sun.net.inetaddr.negative.ttl") == null) {
      Security.setProperty("networkaddress.cache.negative.ttl", "0");
    }
  }
}
