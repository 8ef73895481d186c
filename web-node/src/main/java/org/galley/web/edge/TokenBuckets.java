package org.galley.web.edge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate limits by key (a client address, a user name): each key has a bucket of {@code burst}
 * tokens refilled at {@code perSecond}. In memory, per web node: with N web nodes a client gets up
 * to N times the rate, which still keeps one client from starving the others. At most
 * {@code maxKeys} buckets are kept, the least recently used dropped first, so a flood of new
 * addresses cannot exhaust the heap (a dropped bucket comes back full, a bounded leniency).
 */
public final class TokenBuckets {
  private static final long NANOS = 1_000_000_000L;

  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Map<String, double[]> buckets;

  /**
   * @param perSecond tokens added per second; 0 means no limit
   * @param burst tokens a full bucket holds, at least 1
   */
  public TokenBuckets(double perSecond, double burst, int maxKeys, LongSupplier nanoTime) {
    if (perSecond < 0 || burst < 1 || maxKeys < 1) {
      throw new IllegalArgumentException("rate >= 0, burst >= 1 and maxKeys >= 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
        return size() > maxKeys;
      }
    };
  }

  public boolean limited() {
    return perSecond > 0;
  }

  /** Takes a token: 0 if there was one, else the seconds (at least 1) until there is. */
  public synchronized long take(String key) {
    if (!limited()) {
      return 0;
    }
    double[] b = refilled(key);
    if (b[0] >= 1) {
      b[0] -= 1;
      return 0;
    }
    return secondsUntilToken(b);
  }

  /** Without taking: 0 if a token is there, else the seconds until there is one. */
  public synchronized long waitFor(String key) {
    if (!limited()) {
      return 0;
    }
    double[] b = buckets.get(key);
    if (b == null) {
      return 0;
    }
    b = refilled(key);
    return b[0] >= 1 ? 0 : secondsUntilToken(b);
  }

  /** {tokens, nanoTime of the last refill} of the key, brought up to now. */
  private double[] refilled(String key) {
    long now = nanoTime.getAsLong();
    double[] b = buckets.computeIfAbsent(key, k -> new double[] {burst, now});
    double elapsed = (now - (long) b[1]) / (double) NANOS;
    b[0] = Math.min(burst, b[0] + elapsed * perSecond);
    b[1] = now;
    return b;
  }

  private long secondsUntilToken(double[] b) {
    return Math.max(1, (long) Math.ceil((1 - b[0]) / perSecond));
  }
}
