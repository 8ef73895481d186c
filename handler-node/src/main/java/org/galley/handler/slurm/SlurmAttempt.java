package org.galley.handler.slurm;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.galley.handler.runner.Progress;
import org.galley.handler.runner.ResourceUsage;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunningJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt's Slurm job, watched by the {@link SlurmMonitor} with every other: the monitor tells
 * it what squeue says, and it tells the handler ({@link Progress}) and completes its outcome once the
 * job ended. A kill is an scancel, asked again at each look while Slurm does not answer; the outcome
 * completes only once Slurm lists the job as ended, so a cancelled job is deleted when Slurm confirms it.
 */
final class SlurmAttempt implements RunningJob {
  private static final Logger log = LoggerFactory.getLogger(SlurmAttempt.class);

  final long id;
  /** When the monitor began to watch it: a squeue started before then may not list it yet. */
  final long watchedSinceNanos = System.nanoTime();
  private final Path dir;
  private final Progress progress;
  private final SlurmCommands commands;
  private final SlurmMonitor monitor;
  private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
  private final AtomicBoolean killed = new AtomicBoolean();
  private volatile boolean running;
  /** scancel got through. */
  private volatile boolean cancelled;
  private volatile String lastNote;
  /** When Slurm started it, once seen running. */
  private volatile Instant startedAt;

  SlurmAttempt(long id, Path dir, Progress progress, SlurmCommands commands, SlurmMonitor monitor) {
    this.id = id;
    this.dir = dir;
    this.progress = progress;
    this.commands = commands;
    this.monitor = monitor;
  }

  @Override
  public String externalId() {
    return Long.toString(id);
  }

  @Override
  public Path directory() {
    return dir;
  }

  @Override
  public boolean runsAlready() {
    return running;
  }

  /** A Slurm job takes none of this handler's workers. */
  @Override
  public int slots() {
    return 0;
  }

  @Override
  public CompletionStage<RunOutcome> outcome() {
    return outcome;
  }

  /**
   * Asks Slurm to cancel the job; if Slurm does not answer, the monitor asks again at each look
   * (no thread waits for it). The outcome completes once Slurm lists the job as ended.
   */
  @Override
  public void kill() {
    if (killed.compareAndSet(false, true)) {
      cancel();
    }
  }

  /** One scancel; false if it failed (then the monitor retries). */
  boolean cancel() {
    try {
      commands.cancel(id);
      cancelled = true;
      return true;
    } catch (SlurmException e) {
      log.warn("scancel of Slurm job {} failed, trying again: {}", id, e.getMessage());
      note(e.unreachable() ? "cancelling: Slurm does not answer (" + e.getMessage() + "); retrying" : e.getMessage());
      return false;
    }
  }

  /** Killed, but the scancel did not get through yet. */
  boolean cancelPending() {
    return killed.get() && !cancelled;
  }

  @Override
  public boolean outlivesHandler() {
    return true;
  }

  @Override
  public void detach() {
    monitor.forget(this);
    outcome.complete(new RunOutcome(RunOutcome.Ending.DETACHED, null, "handler let go of Slurm job " + id));
  }

  /** What the latest squeue says of this job; null if it does not list it. Called by the monitor only. */
  void seen(SlurmJob job) {
    if (job == null) {
      end(SlurmOutcomes.ofVanished(id, dir, killed.get()));
    } else if (job.terminal()) {
      if (!running && job.startTime().isPresent()) {
        // It ran between two looks: record its start first, and its end at the next look.
        running = true;
        startedAt = job.startTime().get();
        progress.running(startedAt);
        return;
      }
      end(SlurmOutcomes.ofTerminal(job, dir, killed.get()));
    } else if (job.pending()) {
      note("waiting in Slurm (job " + id + "): " + job.reason());
    } else if (!running && !"CONFIGURING".equals(job.state())) {
      running = true;
      startedAt = job.startTime().orElseGet(Instant::now);
      progress.running(startedAt);
    }
  }

  /** Slurm did not answer; nothing changes because of it. */
  void unseen(SlurmException e) {
    note((e.unreachable() ? "Slurm does not answer" : "squeue failed") + " (" + e.getMessage() + "); retrying");
  }

  private void note(String info) {
    if (!info.equals(lastNote)) {
      lastNote = info;
      progress.note(info);
    }
  }

  private void end(RunOutcome o) {
    monitor.forget(this);
    ResourceUsage used = ResourceUsage.read(dir);
    outcome.complete(o.withUsage(startedAt == null ? used : used.withRuntime(Duration.between(startedAt, Instant.now()))));
  }
}
