package org.galley.handler.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills the jobs of a handler JVM that died without stopping them (kill -9, OOM killer, power loss
 * of the JVM only), before the cluster gives those jobs to another handler: invariant 2, no two
 * attempts of a job at once. Jobs are their own sessions and outlive the JVM on purpose, so that a
 * handler restarted under the same name can adopt them ({@link LocalRecovery}); this bounds how long.
 *
 * <p>The JVM touches {@code <jobs-dir>/.heartbeat} every second. At start it launches one watchdog
 * process, detached with setsid(1) so it outlives the JVM: {@link #SCRIPT}, a constant shell script
 * (nothing a user typed ever appears in it) given the heartbeat path, the timeout in seconds and the
 * jobs directory as positional parameters. Every second it compares the heartbeat's age with the
 * timeout; once it is older, it SIGKILLs every process group named by an {@link AttemptMarker} in
 * the jobs directory (if its leader is still the marked process, or no process holds that pid any
 * more) and exits. It also exits when {@code .watchdog} no longer holds its pid: a newer handler JVM
 * started its own watchdog (so restarts do not pile them up), or this JVM stopped cleanly
 * ({@link #dismiss}). Its cost is one {@code sleep 1}, one stat(1) and one date(1) a second.
 *
 * <p>The timeout must stay below the time the cluster takes to requeue a dead handler's jobs, and
 * above the time a restarted handler takes to beat again: see {@code galley.handler.orphan-timeout}.
 * A jobs directory serves one handler JVM at a time; {@code .lock} holds it (the kernel releases the
 * lock of a dead JVM).
 */
public final class OrphanWatchdog {
  private static final Logger log = LoggerFactory.getLogger(OrphanWatchdog.class);
  static final String HEARTBEAT = ".heartbeat";
  static final String OWNER = ".watchdog";
  private static final Duration BEAT = Duration.ofSeconds(1);
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  /** $1 heartbeat file, $2 timeout in whole seconds, $3 jobs directory. Constant text. */
  static final String SCRIPT = """
      hb=$1 timeout=$2 jobs=$3
      printf '%s\\n' "$$" > "$jobs/.watchdog.tmp" && mv -f "$jobs/.watchdog.tmp" "$jobs/.watchdog" || exit 1
      while :; do
        owner=
        read -r owner 2>/dev/null < "$jobs/.watchdog"
        [ "$owner" = "$$" ] || exit 0
        beat=$(stat -c %Y "$hb" 2>/dev/null) || beat=0
        now=$(date +%s)
        if [ $((now - beat)) -gt "$timeout" ]; then
          echo "$(date): heartbeat $hb is $((now - beat)) s old: killing the process groups of running attempts"
          for m in "$jobs"/*/pgid; do
            [ -f "$m" ] || continue
            pg= st=
            read -r pg st 2>/dev/null < "$m"
            case "$pg" in ''|*[!0-9]*) continue ;; esac
            case "$st" in ''|*[!0-9]*) continue ;; esac
            [ "$pg" -gt 1 ] || continue
            if [ -r "/proc/$pg/stat" ]; then
              s=
              read -r s 2>/dev/null < "/proc/$pg/stat"
              s=${s##*") "}
              set -f; set -- $s; set +f
              [ $# -ge 20 ] || continue
              shift 19
              [ "$1" = "$st" ] || continue
            fi
            kill -s KILL -- "-$pg" 2>/dev/null && echo "killed process group $pg of $m"
          done
          exit 0
        fi
        sleep 1
      done
      """;

  private final Path jobsDir;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final ScheduledExecutorService heartbeat;
  private final long pid;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OrphanWatchdog(Path jobsDir, FileChannel lockFile, FileLock lock, ScheduledExecutorService heartbeat, long pid) {
    this.jobsDir = jobsDir;
    this.lockFile = lockFile;
    this.lock = lock;
    this.heartbeat = heartbeat;
    this.pid = pid;
  }

  /**
   * Takes the jobs directory for this JVM, beats once (so that the watchdog of a previous JVM that
   * died moments ago stands down instead of killing jobs this handler is about to adopt), starts
   * beating every second and launches the watchdog. Blocks until the watchdog has taken over.
   *
   * @throws IllegalStateException if another live handler JVM uses the directory, or no watchdog runs
   */
  public static OrphanWatchdog start(Path jobsDir, Duration timeout) throws IOException {
    Files.createDirectories(jobsDir);
    FileChannel lockFile = FileChannel.open(jobsDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockFile.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockFile.close();
      throw new IllegalStateException("galley.handler.jobs-dir " + jobsDir + " is in use by another running handler");
    }
    Path beatFile = jobsDir.resolve(HEARTBEAT);
    ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "galley-heartbeat");
      t.setDaemon(true);
      return t;
    });
    try {
      touch(beatFile);
      // Its own thread rather than the blocking dispatcher: a pool full of JDBC calls waiting for a
      // database that went away must not starve the heartbeat and make the watchdog kill every job.
      beats.scheduleAtFixedRate(new Beat(beatFile), BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
      long seconds = (timeout.toMillis() + 999) / 1000;
      ProcessBuilder pb = new ProcessBuilder(List.of("setsid", "sh", "-c", SCRIPT, "galley-watchdog",
          beatFile.toString(), Long.toString(seconds), jobsDir.toString()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(jobsDir.resolve(".watchdog.log").toFile()))
          .redirectErrorStream(true);
      pb.environment().keySet().removeIf(name -> name.startsWith("GALLEY_"));
      Process watchdog = pb.start();
      awaitOwnership(jobsDir, watchdog);
      log.info("orphan watchdog {} kills the jobs in {} if this JVM stops beating for {} s", watchdog.pid(), jobsDir, seconds);
      return new OrphanWatchdog(jobsDir, lockFile, lock, beats, watchdog.pid());
    } catch (IOException | RuntimeException e) {
      beats.shutdownNow();
      lock.release();
      lockFile.close();
      throw e;
    }
  }

  /** The pid of the watchdog process. */
  public long pid() {
    return pid;
  }

  /**
   * This JVM stops cleanly and has given every job back: its watchdog exits within a second. Not
   * called when jobs may still run; then the watchdog kills them once the heartbeat stops.
   */
  public void dismiss() {
    try {
      if (Files.readString(jobsDir.resolve(OWNER)).trim().equals(Long.toString(pid))) {
        Files.delete(jobsDir.resolve(OWNER));
      }
    } catch (NoSuchFileException e) {
      // dismissed already
    } catch (IOException e) {
      log.warn("could not dismiss the orphan watchdog {}: {}", pid, e.toString());
    }
  }

  /** Stops beating and gives up the jobs directory: the actor system is gone. Idempotent. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    heartbeat.shutdownNow();
    try {
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      log.warn("could not release {}: {}", jobsDir.resolve(".lock"), e.toString());
    }
  }

  private static void awaitOwnership(Path jobsDir, Process watchdog) throws IOException {
    long deadline = System.nanoTime() + CONFIRM_TIMEOUT.toNanos();
    String expected = Long.toString(watchdog.pid());
    while (true) {
      try {
        if (Files.readString(jobsDir.resolve(OWNER)).trim().equals(expected)) {
          return;
        }
      } catch (NoSuchFileException e) {
        // not written yet
      }
      if (!watchdog.isAlive() || System.nanoTime() > deadline) {
        watchdog.destroyForcibly();
        throw new IllegalStateException("the orphan watchdog did not start in " + jobsDir + "; see .watchdog.log there");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  static void touch(Path file) throws IOException {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (NoSuchFileException e) {
      Files.write(file, new byte[0]);
    }
  }

  /** One heartbeat; a failure is logged once until a beat succeeds again. */
  private static final class Beat implements Runnable {
    private final Path file;
    private boolean failing;

    Beat(Path file) {
      this.file = file;
    }

    @Override
    public void run() {
      try {
        touch(file);
        failing = false;
      } catch (IOException | RuntimeException e) {
        if (!failing) {
          log.error("could not touch the heartbeat {}: the orphan watchdog will kill every job here: {}", file, e.toString());
        }
        failing = true;
      }
    }
  }
}
