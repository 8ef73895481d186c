package org.galley.handler.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.galley.handler.runner.ResourceUsage;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunningJob;

/** One process group {@link LocalRunner} started, watched as this JVM's child. */
final class LocalJob implements RunningJob {
  private final Duration killGrace;
  private final Executor blocking;
  private final JobLeader leader;
  private final long pgid;
  private final Path dir;
  private final Optional<Duration> walltime;
  private final StopCause stopCause = new StopCause();
  private final CompletableFuture<RunOutcome> outcome;

  private final int slots;
  private final long startedNanos = System.nanoTime();

  LocalJob(JobLeader leader, Path dir, Optional<Duration> walltime, int slots, Duration killGrace, Executor blocking) {
    this.killGrace = killGrace;
    this.blocking = blocking;
    this.slots = slots;
    this.leader = leader;
    this.pgid = leader.pid();
    this.dir = dir;
    this.walltime = walltime;
    CompletableFuture<Integer> exit = leader.exit();
    this.outcome = exit.thenApplyAsync(this::ended, blocking);
    // orTimeout's timer is cancelled as soon as the process exits, so a long walltime holds nothing.
    walltime.ifPresent(w -> exit.copy().orTimeout(w.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyAsync(e -> {
          if (e instanceof TimeoutException && stopCause.set(RunOutcome.Ending.WALLTIME_EXCEEDED)) {
            stopGroup();
          }
          return null;
        }, blocking));
  }

  @Override
  public String externalId() {
    return Long.toString(pgid);
  }

  @Override
  public Path directory() {
    return dir;
  }

  @Override
  public boolean runsAlready() {
    return true;
  }

  @Override
  public int slots() {
    return slots;
  }

  @Override
  public CompletionStage<RunOutcome> outcome() {
    return outcome;
  }

  @Override
  public void kill() {
    if (stopCause.set(RunOutcome.Ending.KILLED) && !outcome.isDone()) {
      stopGroup();
    }
  }

  /** A local process may not outlive its handler's watch: it is killed. */
  @Override
  public void detach() {
    kill();
  }

  @Override
  public void endRecorded() {
    AttemptMarker.remove(dir);
  }

  /**
   * Signals the wrapper itself, then its group: should it not lead its group yet after all, the
   * first signal still lands, and it has no children then. Once it leads, the group signal
   * reaches every member, also those forked between the two signals.
   */
  private void stopGroup() {
    if (!killGrace.isZero() && leader.alive()) {
      leader.signal(false);
      ProcessGroups.signal(pgid, "TERM");
      try {
        leader.exit().get(killGrace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // still alive after the grace: killed below
      }
    }
    leader.signal(true);
    // Also when the wrapper is gone: members that ignored SIGTERM are still in the group.
    ProcessGroups.signal(pgid, "KILL");
  }

  /** Runs once the wrapper exited. Never throws: the handler waits for this to free the slot. */
  private RunOutcome ended(Integer status) {
    Optional<Integer> written = LocalRunner.readExitCode(dir);
    // A job leaves nothing behind: background processes it did not wait for die with it. The
    // group id cannot have been reused while any of them lives. A wrapper that wrote exit_code
    // and died of SIGKILL killed its group itself (or was killed with it by stopGroup).
    if (written.isEmpty() || status == null || status != LocalRunner.KILLED_BY_SIGKILL) {
      ProcessGroups.signal(pgid, "KILL");
    }
    ResourceUsage used = ResourceUsage.read(dir).withRuntime(Duration.ofNanos(System.nanoTime() - startedNanos));
    if (written.isEmpty() && status != null && status > 128) {
      used = used.orSignal(status - 128); // the leader died of it with the tool (a kill of its group), saying nothing
    }
    return stopCause.outcome(dir, written.isPresent(), written.orElse(status), walltime,
        "it ended without an exit code while its launcher was gone").withUsage(used);
  }
}
