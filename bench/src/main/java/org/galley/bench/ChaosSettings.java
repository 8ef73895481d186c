package org.galley.bench;

import java.time.Duration;
import java.util.Properties;

/**
 * The knobs of {@code ./galley bench chaos}, from {@code -Dgalley.bench.chaos.*}.
 *
 * @param duration how long faults are injected under load ({@code seconds}, default 600)
 * @param rate submissions per second, spread over the two web nodes ({@code rate}, 20)
 * @param gapMin shortest pause between two faults ({@code gap-min-seconds}, 3)
 * @param gapMax longest pause between two faults ({@code gap-max-seconds}, 10)
 * @param freezeMax longest SIGSTOP of a node ({@code freeze-max-seconds}, 25: longer than failure
 *     detection and the Split Brain Resolver's stable-after, so some frozen handlers are removed)
 * @param settle how long accepted jobs may take to end after the faults stop ({@code settle-seconds}, 240)
 * @param seed the random faults' seed ({@code seed}; default: the clock), printed so a run can be repeated
 * @param workers {@code galley.handler.workers} of each of the three handlers ({@code workers}, 8)
 */
public record ChaosSettings(Duration duration, int rate, Duration gapMin, Duration gapMax, Duration freezeMax,
    Duration settle, long seed, int workers) {

  public ChaosSettings {
    if (duration.isNegative() || duration.isZero() || rate < 1 || gapMin.isNegative() || gapMax.compareTo(gapMin) < 0
        || freezeMax.toSeconds() < 1 || settle.isNegative() || workers < 1) {
      throw new IllegalArgumentException("galley.bench.chaos: positive seconds and rate, gap-min <= gap-max, got "
          + duration + ", " + rate + ", " + gapMin + ".." + gapMax + ", freeze " + freezeMax + ", workers " + workers);
    }
  }

  public static ChaosSettings fromSystemProperties() {
    Properties p = System.getProperties();
    return new ChaosSettings(
        seconds(p, "seconds", 600),
        Integer.parseInt(p.getProperty("galley.bench.chaos.rate", "20")),
        seconds(p, "gap-min-seconds", 3),
        seconds(p, "gap-max-seconds", 10),
        seconds(p, "freeze-max-seconds", 25),
        seconds(p, "settle-seconds", 240),
        Long.parseLong(p.getProperty("galley.bench.chaos.seed", Long.toString(System.currentTimeMillis()))),
        Integer.parseInt(p.getProperty("galley.bench.chaos.workers", "8")));
  }

  /** The same with another duration (the test's short run). */
  public ChaosSettings withDuration(Duration d) {
    return new ChaosSettings(d, rate, gapMin, gapMax, freezeMax, settle, seed, workers);
  }

  private static Duration seconds(Properties p, String key, int def) {
    return Duration.ofSeconds(Long.parseLong(p.getProperty("galley.bench.chaos." + key, Integer.toString(def))));
  }

  @Override
  public String toString() {
    return duration.toSeconds() + " s of faults under " + rate + " submissions/s, a fault every "
        + gapMin.toSeconds() + "-" + gapMax.toSeconds() + " s, freezes up to " + freezeMax.toSeconds() + " s, settle "
        + settle.toSeconds() + " s, seed " + seed + ", " + workers + " workers per handler";
  }
}
