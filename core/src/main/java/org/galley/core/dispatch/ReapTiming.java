package org.galley.core.dispatch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When the jobs of a handler that left may be requeued. Pure, so it is unit-tested.
 *
 * <p>A handler's processes outlive its JVM until its orphan watchdog kills them, at most
 * {@code galley.handler.orphan-timeout} after its last heartbeat. Requeueing earlier could run a
 * second attempt beside a first that still runs. So a requeue waits until {@code orphanGuard}
 * (longer than the orphan timeout) has passed since the handler was first seen gone — unreachable,
 * or else removed — and at least {@code requeueDelay} after its removal.
 *
 * @param absentSince reconciliation: server name → when it was first seen holding jobs without
 *     being a member (nanoTime)
 */
public record ReapTiming(Duration requeueDelay, Duration orphanGuard, Map<String, Long> absentSince) {

  public ReapTiming {
    absentSince = Map.copyOf(absentSince);
  }

  public static ReapTiming of(Duration requeueDelay, Duration orphanGuard) {
    return new ReapTiming(requeueDelay, orphanGuard, Map.of());
  }

  /** How long after its removal at {@code removedAt} to requeue a member first unreachable at {@code unreachableSince}. */
  public Duration delayAfterRemoval(long removedAt, Optional<Long> unreachableSince) {
    long gone = unreachableSince.orElse(removedAt);
    long due = Math.max(removedAt + requeueDelay.toNanos(), gone + orphanGuard.toNanos());
    return Duration.ofNanos(Math.max(0, due - removedAt));
  }

  /**
   * Reconciliation at {@code now}: {@code absent} are the handlers holding jobs that are not
   * members. Returns the new timing and the names whose absence has lasted the orphan guard.
   */
  public Result reconcile(long now, Set<String> absent) {
    Map<String, Long> next = new HashMap<>();
    Set<String> due = new java.util.TreeSet<>();
    for (String name : absent) {
      long since = absentSince.getOrDefault(name, now);
      next.put(name, since);
      if (now - since >= orphanGuard.toNanos()) {
        due.add(name);
      }
    }
    return new Result(new ReapTiming(requeueDelay, orphanGuard, next), due);
  }

  /** A reconciliation's outcome. */
  public record Result(ReapTiming timing, Set<String> due) {}
}
