package org.galley.handler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.galley.core.destinations.Destination;
import org.galley.handler.runner.AttemptName;
import org.galley.handler.runner.JobDirectories;
import org.galley.handler.runner.Progress;
import org.galley.handler.runner.RecoverRequest;
import org.galley.handler.runner.Recovered;
import org.galley.handler.runner.ResourceUsage;
import org.galley.handler.runner.RunRequest;
import org.galley.handler.runner.Runner;
import org.galley.handler.runner.RunningJob;
import org.galley.handler.runner.ToolFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job as a process tree on this node, in its own session and process group.
 *
 * <p>By default the {@link PerlLauncher} starts it: its leader does what the wrapper below does,
 * without a shell, and reports the job started once it leads its session. With
 * {@link ProcessLauncher#PROCESS_BUILDER} the command is started as
 * {@code setsid --wait sh -c WRAPPER galley-job ARGV...}. The wrapper
 * is a constant: the tool's argv reaches the shell only as positional parameters and runs as
 * {@code "$@"}, so nothing a user typed is ever parsed by a shell. It records the group's pid in
 * {@code pid} and the command's exit code in {@code exit_code}; stdout and stderr go to files of
 * those names. Every reader of {@code exit_code} reads it only once the wrapper is gone, and the
 * wrapper writes it with one write(2) of a few bytes, so no temporary file and no mv(1) are needed:
 * a wrapper killed before it wrote leaves an empty file, read as "no exit code" like a missing one.
 * Having written it, the wrapper SIGKILLs its own group with the shell's kill builtin (no fork):
 * whatever the job left running dies with the wrapper, at once, and the runner need not start
 * kill(1) for a group that is gone already. Should the write fail, the wrapper exits with the
 * code instead and the runner kills the group as before.
 *
 * <p>setsid(1) only forks when its caller leads a process group; a JVM's child never does, so it
 * execs in place and the pid Java sees is the session's and group's id: the job's external id.
 * {@code --wait} keeps the exit status right should it ever fork. Java returns from the start
 * before setsid() has run, though (measured: most of the time), so {@link #start} waits until the
 * pid leads its group: a group kill sent earlier would find no group and kill nothing. Then it
 * writes the {@link AttemptMarker} ({@code pgid}: pid and start time of the leader). Being its own
 * session, the job gets no terminal signals (Ctrl-C of the JVM) and outlives the JVM, so a
 * restarted handler can find it again ({@link Recovery}), or the {@link OrphanWatchdog} kill it. Its environment is the JVM's without {@code GALLEY_*} variables (they may carry
 * the database password and the admin key).
 */
public final class LocalRunner implements Runner {
  public static final String NAME = "local";

  /** Constant shell text; user values are only ever its positional parameters. */
  static final String WRAPPER = "printf '%s\\n' \"$$\" > pid; \"$@\"; code=$?; "
      + "printf '%s\\n' \"$code\" > exit_code && kill -s KILL 0; exit \"$code\"";

  /** How Java reports a process that died of SIGKILL: the wrapper's normal end, once it wrote exit_code. */
  static final int KILLED_BY_SIGKILL = 128 + 9;

  /** Files the wrapper and the runner write in the job directory; a tool file may not take these names. */
  static final Set<String> RESERVED_FILES = Set.of("pid", "stdout", "stderr", "exit_code", "exit_code.tmp", ResourceUsage.FILE,
      AttemptMarker.FILE, AttemptMarker.TEMP_FILE);

  private static final Logger log = LoggerFactory.getLogger(LocalRunner.class);
  /** setsid(1) takes a millisecond to call setsid(); this only guards against a hung machine. */
  private static final Duration LEADERSHIP_TIMEOUT = Duration.ofSeconds(10);

  /** How jobs are started: {@code galley.handler.process-launcher}. */
  public enum ProcessLauncher {
    /** One long-lived perl process of this JVM forks them ({@link PerlLauncher}). */
    PERL,
    /** One ProcessBuilder start of setsid(1) and the shell wrapper per job. */
    PROCESS_BUILDER;

    /** Reads the setting's value: {@code perl} or {@code process-builder}. */
    public static ProcessLauncher of(String value) {
      for (ProcessLauncher l : values()) {
        if (l.configName().equals(value)) {
          return l;
        }
      }
      throw new IllegalArgumentException("galley.handler.process-launcher must be perl or process-builder, got " + value);
    }

    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final Duration killGrace;
  private final Executor blocking;
  private final ProcessLauncher launcher;
  private final JobDirectories directories;
  private final LocalRecovery recovery;

  /**
   * @param killGrace time between SIGTERM and SIGKILL of a group being stopped; zero kills at once
   * @param blocking where exit codes are read and groups signalled
   * @param launcher how processes are started
   */
  public LocalRunner(Duration killGrace, Executor blocking, ProcessLauncher launcher, JobDirectories directories) {
    this.killGrace = killGrace;
    this.blocking = blocking;
    this.launcher = launcher;
    this.directories = directories;
    this.recovery = new LocalRecovery(killGrace, blocking, Clock.systemUTC());
  }

  /** For callers that make their directories themselves (tests): {@link #prepare} is not available. */
  public LocalRunner(Duration killGrace, Executor blocking, ProcessLauncher launcher) {
    this(killGrace, blocking, launcher, null);
  }

  /** Starts jobs with the perl launcher. */
  public LocalRunner(Duration killGrace, Executor blocking) {
    this(killGrace, blocking, ProcessLauncher.PERL);
  }

  /**
   * Starts the perl launcher now, if it is the one, so that a machine without perl is refused at
   * start rather than failing every job.
   *
   * @throws IllegalStateException naming the setting, if perl cannot be started
   */
  public void requireLauncher() {
    if (launcher == ProcessLauncher.PERL) {
      try {
        PerlLauncher.shared();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the job launcher (perl): " + e.getMessage()
            + "; install perl or set galley.handler.process-launcher = process-builder", e);
      }
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Its processes die with the handler's orphan watchdog: a lost handler's attempts are requeued. */
  @Override
  public boolean outlivesHandler() {
    return false;
  }

  @Override
  public Path prepare(AttemptName attempt, Destination destination) throws IOException {
    return directories.prepare(attempt.jobId(), attempt.attempt());
  }

  @Override
  public RunningJob start(RunRequest request, Progress progress) throws IOException {
    Path dir = request.directory().toAbsolutePath().normalize();
    ToolFiles.write(dir, request.commandLine().files(), RESERVED_FILES);
    Path stdin = request.commandLine().stdin().map(dir::resolve).orElse(Path.of("/dev/null"));
    List<String> argv = withResources(request);
    JobLeader leader = launcher == ProcessLauncher.PERL
        ? JobLeader.launch(dir, stdin, argv)
        : JobLeader.spawn(dir, stdin, argv, WRAPPER, LEADERSHIP_TIMEOUT);
    markAttempt(leader, dir);
    log.debug("job {} attempt {} started as process group {} in {}",
        request.jobId(), request.attempt(), leader.pid(), dir);
    return new LocalJob(leader, dir, request.walltime(), request.resources().cores(), killGrace, blocking);
  }

  /**
   * The tool's argv, behind env(1) and prlimit(1) when the tool asked for resources: the job sees
   * {@code GALLEY_SLOTS} (and {@code GALLEY_MEMORY_MB}), and its memory is capped as an address-space
   * limit (RLIMIT_AS) that every process of the job inherits, so an allocation past it fails in the
   * tool itself. Both are exec'd programs given whole arguments: nothing is parsed by a shell. A tool
   * without a request runs as it is (one exec less), like a 1-core job without a memory limit.
   */
  static List<String> withResources(RunRequest request) {
    var r = request.resources();
    if (r.cores() <= 1 && r.memMb().isEmpty()) {
      return request.commandLine().argv();
    }
    List<String> argv = new ArrayList<>(List.of("env", "GALLEY_SLOTS=" + r.cores()));
    r.memMb().ifPresent(mb -> {
      argv.add("GALLEY_MEMORY_MB=" + mb);
      argv.addAll(List.of("prlimit", "--as=" + mb * 1024 * 1024, "--"));
    });
    argv.addAll(request.commandLine().argv());
    return argv;
  }

  @Override
  public Recovered recover(RecoverRequest request, Progress progress) {
    return recovery.recover(request);
  }

  /**
   * Writes the attempt's {@link AttemptMarker}, so that the orphan watchdog can kill the group
   * should this JVM die, and a restarted handler can tell this process from another with its pid.
   * A process that already ended and was reaped needs no marker. Without a marker nothing could
   * stop the job once this JVM is gone, so a failed write kills it.
   */
  private static void markAttempt(JobLeader leader, Path dir) throws IOException {
    var identity = ProcessIdentity.of(leader.pid());
    if (identity.isEmpty()) {
      return;
    }
    try {
      AttemptMarker.write(dir, identity.get());
    } catch (IOException e) {
      leader.signal(true);
      ProcessGroups.signal(leader.pid(), "KILL");
      throw new IOException("could not write the marker of process group " + leader.pid() + "; killed it", e);
    }
  }

  /** The exit code the wrapper wrote in {@code dir}, if it got to write one. Blocks (a file). */
  public static Optional<Integer> readExitCode(Path dir) {
    try {
      String text = Files.readString(dir.resolve("exit_code")).trim();
      // Empty: the wrapper was killed between creating the file and writing it.
      return text.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(text));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // the wrapper was killed before it could write it
    } catch (IOException | NumberFormatException e) {
      log.warn("unreadable exit code in {}: {}", dir, e.toString());
      return Optional.empty();
    }
  }
}
