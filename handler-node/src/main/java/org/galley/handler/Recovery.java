package org.galley.handler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolRegistry;
import org.galley.protocol.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a restarted handler does with the jobs the table says it holds under its server name, before
 * it takes any new work. Galaxy fails them ("killed when Galaxy was restarted"); here:
 * <ul>
 *   <li>{@code running}: the attempt's process still runs (its marked pid and start time, so never
 *       a stranger that got the pid): it is adopted and watched to its end as if started here. Its
 *       process ended meanwhile: the end is read from {@code exit_code}. Neither: it is requeued.
 *   <li>{@code queued} (claimed, never marked running): whatever of it was started is killed, and
 *       it is requeued.
 *   <li>{@code deleting}: whatever of it runs is killed, and it is deleted.
 * </ul>
 * Every write is the usual guarded, attempt-fenced statement, so a job that moved on meanwhile
 * (cancelled, or requeued by the cluster) is left as it is. A job never ends in error only because
 * its handler restarted. Every method blocks (JDBC, /proc, signals): call it on the blocking
 * dispatcher.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  /** How long a killed group leader may take to die before the job is given back anyway. */
  private static final Duration DEATH_WAIT = Duration.ofSeconds(5);

  private final String serverName;
  private final JobStore jobs;
  private final ToolRegistry tools;
  private final JobDirectories directories;
  private final Duration killGrace;
  private final Executor blocking;
  private final Clock clock;

  Recovery(String serverName, JobStore jobs, ToolRegistry tools, JobDirectories directories, Duration killGrace,
      Executor blocking, Clock clock) {
    this.serverName = serverName;
    this.jobs = jobs;
    this.tools = tools;
    this.directories = directories;
    this.killGrace = killGrace;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** A running attempt taken over, with the work that now watches its process. */
  record Adopted(Job job, RunningJob work) {}

  /** What came of recovering held jobs: those adopted, and those whose recovery failed (database errors). */
  record Result(List<Adopted> adopted, List<Job> failed) {}

  /** The info of a running job requeued because its process was gone when its handler came back. */
  static String lostInfo(String serverName) {
    return "lost when handler " + serverName + " restarted";
  }

  /** The jobs the table says this handler holds. */
  List<Job> held() {
    return jobs.heldBy(serverName);
  }

  /** Recovers each job; one that fails (a database error) is reported to be tried again. */
  Result recover(List<Job> held) {
    List<Adopted> adopted = new ArrayList<>();
    List<Job> failed = new ArrayList<>();
    for (Job job : held) {
      try {
        recover(job).ifPresent(adopted::add);
      } catch (RuntimeException e) {
        log.warn("recovering job {} attempt {} failed, trying again later: {}", job.id(), job.attempt(), e.toString());
        failed.add(job);
      }
    }
    return new Result(adopted, failed);
  }

  private Optional<Adopted> recover(Job job) {
    Path dir = job.workingDirectory() != null ? Path.of(job.workingDirectory()) : directories.of(job.id(), job.attempt());
    Optional<ProcessIdentity> leader = leaderOf(job, dir);
    boolean alive = leader.filter(ProcessIdentity::alive).isPresent();
    if (job.state() == JobState.RUNNING && alive && LocalRunner.NAME.equals(job.runner())) {
      return Optional.of(adopt(job, dir, leader.get()));
    }
    leader.ifPresent(Recovery::killGroup);
    Optional<Integer> code = LocalRunner.readExitCode(dir);
    switch (job.state()) {
      case RUNNING -> {
        if (code.isPresent()) {
          RunOutcome ended = RunOutcome.exited(code.get());
          log.info("job {} attempt {} ended while handler {} was away, exit code {}", job.id(), job.attempt(), serverName, code.get());
          if (!jobs.finish(job.id(), job.attempt(), serverName, ended.succeeded() ? JobState.OK : JobState.ERROR,
              code.get(), ended.info())) {
            jobs.markDeleted(job.id(), job.attempt(), code.get());
          }
        } else {
          log.info("job {} attempt {} is gone without an exit code; requeued", job.id(), job.attempt());
          jobs.requeue(job.id(), job.attempt(), lostInfo(serverName));
        }
      }
      case QUEUED -> {
        log.info("job {} attempt {} was claimed but not started before handler {} restarted; requeued",
            job.id(), job.attempt(), serverName);
        jobs.requeue(job.id(), job.attempt(), "handler " + serverName + " restarted before the job started");
      }
      case DELETING -> {
        log.info("job {} attempt {} was being cancelled; deleted", job.id(), job.attempt());
        jobs.markDeleted(job.id(), job.attempt(), code.orElse(null));
      }
      default -> log.warn("job {} is {}, which a handler does not hold", job.id(), job.state());
    }
    AttemptMarker.remove(dir);
    return Optional.empty();
  }

  private Adopted adopt(Job job, Path dir, ProcessIdentity leader) {
    log.info("job {} attempt {} still runs as process group {}: adopted", job.id(), job.attempt(), leader.pid());
    if (AttemptMarker.read(dir).isEmpty()) {
      try {
        AttemptMarker.write(dir, leader); // so that the orphan watchdog covers it from now on
      } catch (IOException e) {
        log.warn("could not mark adopted job {} in {}: {}", job.id(), dir, e.toString());
      }
    }
    Optional<Duration> walltime = tools.find(job.toolId()).filter(t -> t.version().equals(job.toolVersion()))
        .flatMap(Tool::walltime);
    return new Adopted(job, AdoptedProcess.watch(leader, dir, walltime, Optional.ofNullable(job.startTime()),
        killGrace, blocking, clock));
  }

  /**
   * The group leader the attempt started: its marker, or (when the JVM died between starting it and
   * writing the marker) the pid the wrapper wrote, if the process holding that pid works in the
   * attempt's directory. Empty if neither names a process of this attempt.
   */
  private static Optional<ProcessIdentity> leaderOf(Job job, Path dir) {
    Optional<ProcessIdentity> marked = AttemptMarker.read(dir);
    if (marked.isPresent()) {
      if (job.externalId() != null && !job.externalId().equals(Long.toString(marked.get().pid()))) {
        log.warn("job {}: marker {} does not match external id {}; ignoring it", job.id(), marked.get(), job.externalId());
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
