package org.galley.handler.local;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.galley.handler.runner.ResourceUsage;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunningJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process group of an attempt that an earlier incarnation of this handler started and a
 * restarted one took over ({@link LocalRecovery}). It is not this JVM's child, so its end is seen by
 * polling /proc every {@value #POLL_MILLIS} ms for its leader (pid and start time), rather than
 * with {@code ProcessHandle.onExit()}: that one polls up to every 5 s and takes a zombie for a live
 * process, which it stays forever under a PID 1 that does not reap. The walltime counts from the
 * job's start time in the table, and is checked at every poll.
 */
final class AdoptedProcess implements RunningJob {
  private static final Logger log = LoggerFactory.getLogger(AdoptedProcess.class);
  static final long POLL_MILLIS = 250;

  private final ProcessIdentity leader;
  private final Path dir;
  private final Optional<Duration> walltime;
  private final Optional<Instant> deadline;
  private final Optional<Instant> startTime;
  private final Duration killGrace;
  private final Executor poller;
  private final Clock clock;
  private final StopCause stopCause = new StopCause();
  private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();

  private AdoptedProcess(ProcessIdentity leader, Path dir, Optional<Duration> walltime, Optional<Instant> startTime,
      Duration killGrace, Executor blocking, Clock clock) {
    this.leader = leader;
    this.dir = dir;
    this.walltime = walltime;
    this.deadline = walltime.flatMap(w -> startTime.map(t -> t.plus(w)));
    this.startTime = startTime;
    this.killGrace = killGrace;
    this.poller = CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS, blocking);
    this.clock = clock;
  }

  /**
   * Starts watching a live group leader.
   *
   * @param startTime when the job started, per the table: the walltime counts from there
   * @param blocking where the polls run
   */
  static AdoptedProcess watch(ProcessIdentity leader, Path dir, Optional<Duration> walltime, Optional<Instant> startTime,
      Duration killGrace, Executor blocking, Clock clock) {
    AdoptedProcess p = new AdoptedProcess(leader, dir, walltime, startTime, killGrace, blocking, clock);
    p.poller.execute(p::poll);
    return p;
  }

  @Override
  public String externalId() {
    return Long.toString(leader.pid());
  }

  @Override
  public Path directory() {
    return dir;
  }

  @Override
  public CompletionStage<RunOutcome> outcome() {
    return outcome;
  }

  @Override
  public boolean runsAlready() {
    return true;
  }

  /** One worker, whatever it asked for before the restart: the table does not keep its request. */
  @Override
  public int slots() {
    return 1;
  }

  @Override
  public void kill() {
    if (stopCause.set(RunOutcome.Ending.KILLED) && !outcome.isDone()) {
      stopGroup();
    }
  }

  @Override
  public void detach() {
    kill();
  }

  @Override
  public void endRecorded() {
    AttemptMarker.remove(dir);
  }

  /** One look at the leader; schedules the next unless it ended. Never throws. */
  private void poll() {
    try {
      if (!leader.alive()) {
        outcome.complete(ended());
        return;
      }
      if (deadline.isPresent() && !clock.instant().isBefore(deadline.get())
          && stopCause.set(RunOutcome.Ending.WALLTIME_EXCEEDED)) {
        stopGroup();
      }
    } catch (RuntimeException e) {
      log.warn("watching adopted process group {} failed, looking again: {}", leader.pid(), e.toString());
    }
    poller.execute(this::poll);
  }

  /** SIGTERM to the group, SIGKILL after the kill grace; never to a group whose pid was reused. */
  private void stopGroup() {
    if (!killGrace.isZero() && leader.alive() && leader.groupIsOurs()) {
      ProcessGroups.signal(leader.pid(), "TERM");
      long until = System.nanoTime() + killGrace.toNanos();
      while (leader.alive() && System.nanoTime() < until) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
    if (leader.groupIsOurs()) {
      ProcessGroups.signal(leader.pid(), "KILL");
    }
  }

  private RunOutcome ended() {
    if (leader.groupIsOurs()) {
      ProcessGroups.signal(leader.pid(), "KILL"); // what the job left running dies with it
    }
    ResourceUsage used = ResourceUsage.read(dir);
    Integer code = LocalRunner.readExitCode(dir).orElse(null);
    return stopCause.outcome(dir, code != null, code, walltime, "it ended without an exit code")
        .withUsage(startTime.map(t -> used.withRuntime(Duration.between(t, clock.instant()))).orElse(used));
  }
}
