package org.galley.handler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.galley.handler.runner.RecoverRequest;
import org.galley.handler.runner.Recovered;
import org.galley.handler.runner.RunOutcome;
import org.galley.protocol.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the local runner takes back an attempt after its handler restarted under the same name:
 * <ul>
 *   <li>{@code running}, and the marked process still runs (same pid and start time, so never a
 *       stranger that got the pid): watched again ({@link AdoptedProcess}). Gone, with an
 *       {@code exit_code}: ended with it. Gone without one: to run again.
 *   <li>{@code queued} (claimed, maybe started, never marked running): whatever of it was started is
 *       killed, found by its marker or by the wrapper's {@code pid} file if that process works in the
 *       attempt's directory (the JVM died between start and marker); to run again.
 *   <li>{@code deleting}: watched if it runs (the handler kills it), else ended.
 * </ul>
 * Blocks (/proc, signals).
 */
final class LocalRecovery {
  private static final Logger log = LoggerFactory.getLogger(LocalRecovery.class);
  /** How long a killed group leader may take to die before the job is given back anyway. */
  private static final Duration DEATH_WAIT = Duration.ofSeconds(5);

  private final Duration killGrace;
  private final Executor blocking;
  private final Clock clock;

  LocalRecovery(Duration killGrace, Executor blocking, Clock clock) {
    this.killGrace = killGrace;
    this.blocking = blocking;
    this.clock = clock;
  }

  Recovered recover(RecoverRequest r) {
    Path dir = r.directory();
    Optional<ProcessIdentity> leader = leaderOf(r, dir);
    boolean alive = leader.filter(ProcessIdentity::alive).isPresent();
    if (alive && r.state() != JobState.QUEUED) {
      log.info("job {} attempt {} still runs as process group {}: adopted", r.jobId(), r.attempt(), leader.get().pid());
      if (AttemptMarker.read(dir).isEmpty()) {
        try {
          AttemptMarker.write(dir, leader.get()); // so that the orphan watchdog covers it from now on
        } catch (IOException e) {
          log.warn("could not mark adopted job {} in {}: {}", r.jobId(), dir, e.toString());
        }
      }
      return new Recovered.Watching(AdoptedProcess.watch(leader.get(), dir, r.walltime(), r.startTime(), killGrace,
          blocking, clock));
    }
    leader.ifPresent(LocalRecovery::killGroup);
    AttemptMarker.remove(dir);
    if (r.state() == JobState.QUEUED) {
      return new Recovered.Gone("claimed but not started before its handler restarted");
    }
    return LocalRunner.readExitCode(dir)
        .<Recovered>map(code -> new Recovered.Ended(RunOutcome.exited(code)
            .withUsage(org.galley.handler.runner.ResourceUsage.read(dir))))
        .orElseGet(() -> new Recovered.Gone("gone without an exit code"));
  }

  /**
   * The group leader the attempt started: its marker, or (when the JVM died between starting it and
   * writing the marker) the pid the wrapper wrote, if the process holding that pid works in the
   * attempt's directory. Empty if neither names a process of this attempt.
   */
  private static Optional<ProcessIdentity> leaderOf(RecoverRequest r, Path dir) {
    Optional<ProcessIdentity> marked = AttemptMarker.read(dir);
    if (marked.isPresent()) {
      if (r.externalId().isPresent() && !r.externalId().get().equals(Long.toString(marked.get().pid()))) {
        log.warn("job {}: marker {} does not match external id {}; ignoring it", r.jobId(), marked.get(), r.externalId().get());
        return Optional.empty();
      }
      return marked;
    }
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("pid")).trim());
      Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
      if (pid > 1 && cwd.equals(dir.toRealPath())) {
        return ProcessIdentity.of(pid).filter(ProcessIdentity::alive);
      }
    } catch (IOException | RuntimeException e) {
      // no pid file, or no such process: nothing of this attempt runs
    }
    return Optional.empty();
  }

  /** SIGKILL to whatever is left of the attempt's group, then waits (bounded) for its leader to die. */
  private static void killGroup(ProcessIdentity leader) {
    if (!leader.groupIsOurs()) {
      return; // the pid belongs to another process now, and the old group is long gone
    }
    ProcessGroups.signal(leader.pid(), "KILL");
    long until = System.nanoTime() + DEATH_WAIT.toNanos();
    while (leader.alive() && System.nanoTime() < until) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
