package org.galley.handler.slurm;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every Slurm job of this handler with one squeue call per interval, never one per job
 * (Galaxy's runners ask per job), on a thread of its own. Idle (no job watched) it calls nothing.
 * When Slurm does not answer, every watched attempt is told so and nothing else changes.
 */
final class SlurmMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlurmMonitor.class);

  private final SlurmCommands commands;
  private final Map<Long, SlurmAttempt> watched = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "galley-slurm-monitor");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong calls = new AtomicLong();
  private volatile Map<Long, SlurmJob> last = Map.of();
  private volatile long lastAtNanos;

  SlurmMonitor(SlurmCommands commands, java.time.Duration interval) {
    this.commands = commands;
    thread.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void watch(SlurmAttempt attempt) {
    watched.put(attempt.id, attempt);
  }

  void forget(SlurmAttempt attempt) {
    watched.remove(attempt.id, attempt);
  }

  int watching() {
    return watched.size();
  }

  /** squeue calls made so far, by the monitor and by recoveries. */
  long calls() {
    return calls.get();
  }

  /**
   * Every job Slurm lists, at most {@code maxAgeNanos} old: recoveries of many attempts at once share
   * one call.
   */
  Map<Long, SlurmJob> snapshot(long maxAgeNanos) throws SlurmException {
    if (System.nanoTime() - lastAtNanos <= maxAgeNanos && lastAtNanos != 0) {
      return last;
    }
    return fetch();
  }

  private synchronized Map<Long, SlurmJob> fetch() throws SlurmException {
    calls.incrementAndGet();
    Map<Long, SlurmJob> jobs = commands.jobs();
    last = jobs;
    lastAtNanos = System.nanoTime();
    return jobs;
  }

  private void poll() {
    if (watched.isEmpty()) {
      return;
    }
    List<SlurmAttempt> now = List.copyOf(watched.values());
    now.stream().filter(SlurmAttempt::cancelPending).forEach(SlurmAttempt::cancel);
    long asked = System.nanoTime();
    try {
      Map<Long, SlurmJob> jobs = fetch();
      now.stream().filter(a -> a.watchedSinceNanos < asked).forEach(a -> a.seen(jobs.get(a.id)));
    } catch (SlurmException e) {
      log.warn("squeue failed; {} Slurm job(s) keep their state: {}", now.size(), e.getMessage());
      now.forEach(a -> a.unseen(e));
    } catch (RuntimeException e) {
      log.error("watching Slurm jobs failed, trying again", e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
