package org.galley.core.settings;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code galley.limits}: Galaxy's concurrency limits, enforced by the claim statement itself so that
 * any number of handlers together respect them. Zero means no limit.
 *
 * @param userConcurrentJobs queued and running jobs one user may have at once, over all pools
 * @param pools per pool: queued and running jobs in total, and per user
 */
public record JobLimits(int userConcurrentJobs, Map<String, PoolLimits> pools) {
  /** No limit at all. */
  public static final JobLimits NONE = new JobLimits(0, Map.of());

  /** Limits of one pool; zero means none. */
  public record PoolLimits(int concurrentJobs, int userConcurrentJobs) {
    public PoolLimits {
      if (concurrentJobs < 0 || userConcurrentJobs < 0) {
        throw new IllegalArgumentException("galley.limits.pools: limits are counts >= 0 (0: none)");
      }
    }
  }

  public JobLimits {
    if (userConcurrentJobs < 0) {
      throw new IllegalArgumentException("galley.limits.user-concurrent-jobs: a count >= 0 (0: none), got " + userConcurrentJobs);
    }
    pools = Map.copyOf(pools);
  }

  public static JobLimits fromConfig(Config config) {
    Config l = config.getConfig("galley.limits");
    Map<String, PoolLimits> pools = new TreeMap<>();
    Config p = l.getConfig("pools");
    for (String pool : p.root().keySet()) {
      Config one = p.getConfig("\"" + pool + "\"");
      pools.put(pool, new PoolLimits(
          one.hasPath("concurrent-jobs") ? one.getInt("concurrent-jobs") : 0,
          one.hasPath("user-concurrent-jobs") ? one.getInt("user-concurrent-jobs") : 0));
    }
    return new JobLimits(l.getInt("user-concurrent-jobs"), pools);
  }

  /** Whether a claim must count what is held, serialized with other claims. */
  public boolean any() {
    return userConcurrentJobs > 0 || pools.values().stream().anyMatch(p -> p.concurrentJobs() > 0 || p.userConcurrentJobs() > 0);
  }

  public PoolLimits of(String pool) {
    return pools.getOrDefault(pool, new PoolLimits(0, 0));
  }
}
