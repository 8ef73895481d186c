package org.galley.handler.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Kills the jobs of a handler JVM that died without stopping them (kill -9, OOM killer), or that
 * stopped beating while it lives (frozen by SIGSTOP, a stalled VM), before the cluster gives those
 * jobs to another handler: invariant 2, no two attempts of a job at once. Jobs are their own
 * sessions and outlive the JVM on purpose, so that a handler restarted under the same name can adopt
 * them ({@link LocalRecovery}); this bounds how long.
 *
 * <p>At start the JVM launches one watchdog process, detached with setsid(1) so it outlives the JVM:
 * {@link #SCRIPT}, a constant bash script (nothing a user typed ever appears in it) given the timeout
 * and the jobs directory as positional parameters. Its stdin is a pipe whose only writer is this JVM,
 * which writes a newline to it every second from a thread of its own. So the watchdog learns at once
 * when the JVM is gone (end of file: the kernel closed the pipe), and when it lives but does not beat
 * ({@code read -t} times out). It then SIGKILLs every process group named by an {@link AttemptMarker}
 * in the jobs directory (if its leader is still the marked process, or no process holds that pid any
 * more), after writing {@link #KILLED_MARK} beside the marker so that a JVM that wakes up knows the
 * attempt was lost rather than failed:
 * <ul>
 *   <li>end of file (the JVM died): kills at once and exits, unless this JVM had dismissed it (a
 *       clean stop). Also when a handler restarted on the same directory has started meanwhile:
 *       the cluster requeues a lost handler's jobs within seconds, sooner than a restarted JVM
 *       rejoins, so its processes may not wait for an adoption;</li>
 *   <li>no beat for the timeout (the JVM is frozen): kills, and keeps watching, since the JVM may
 *       wake up and go on working;</li>
 *   <li>{@code kill} on the pipe ({@link #killAll}, the node was downed or cut off): kills at once.</li>
 * </ul>
 * While its JVM lives, it exits when {@code .watchdog} no longer holds its pid: this JVM stopped
 * cleanly ({@link #dismiss}). A newer JVM's watchdog writes its own pid there. Idle,
 * it costs one wake-up a second and no process start.
 *
 * <p>The timeout must stay below the time the cluster takes to requeue a lost handler's jobs (see
 * {@code galley.handler.orphan-timeout} and core's {@code ReapTiming}). A jobs directory serves one
 * handler JVM at a time; {@code .lock} holds it (the kernel releases the lock of a dead JVM).
 */
public final class OrphanWatchdog {
  private static final Logger log = LoggerFactory.getLogger(OrphanWatchdog.class);
  static final String OWNER = ".watchdog";
  /** Written into an attempt's directory by the watchdog just before it kills the attempt's group. */
  public static final String KILLED_MARK = "killed-by-watchdog";
  private static final Duration BEAT = Duration.ofSeconds(1);
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  /** $1 timeout in seconds (decimal), $2 jobs directory. Constant text. */
  static final String SCRIPT = """
      timeout=$1 jobs=$2
      printf '%s\\n' "$$" > "$jobs/.watchdog.tmp" && mv -f "$jobs/.watchdog.tmp" "$jobs/.watchdog" || exit 1
      mine() {
        local owner=
        read -r owner 2>/dev/null < "$jobs/.watchdog"
        [ "$owner" = "$$" ]
      }
      kill_attempts() {
        echo "$(date -u +%FT%T.%3NZ): $1: killing the process groups of running attempts"
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
          : > "${m%/pgid}/killed-by-watchdog"
          kill -s KILL -- "-$pg" 2>/dev/null && echo "killed process group $pg of $m"
        done
      }
      while :; do
        line= rc=0
        IFS= read -r -t "$timeout" line || rc=$?
        if [ "$rc" = 0 ] || [ "$rc" -gt 128 ]; then
          mine || exit 0
        fi
        if [ "$rc" = 0 ]; then
          [ "$line" = kill ] && kill_attempts "the handler asked (it was downed)"
          continue
        fi
        if [ "$rc" -gt 128 ]; then
          kill_attempts "no heartbeat from the handler JVM for $timeout s (frozen or stalled)"
          continue
        fi
        [ -e "$jobs/.watchdog" ] || exit 0
        kill_attempts "the handler JVM is gone"
        exit 0
      done
      """;

  private final Path jobsDir;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final ScheduledExecutorService heartbeat;
  private final Process watchdog;
  private final OutputStream pipe;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Beats are written (tests hold them back to play a frozen JVM). */
  private volatile boolean beating = true;

  private OrphanWatchdog(Path jobsDir, FileChannel lockFile, FileLock lock, ScheduledExecutorService heartbeat, Process watchdog) {
    this.jobsDir = jobsDir;
    this.lockFile = lockFile;
    this.lock = lock;
    this.heartbeat = heartbeat;
    this.watchdog = watchdog;
    this.pipe = watchdog.getOutputStream();
  }

  /**
   * Takes the jobs directory for this JVM, launches the watchdog and starts beating every second.
   * Blocks until the watchdog has taken over.
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
    ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "galley-heartbeat");
      t.setDaemon(true);
      return t;
    });
    try {
      long micros = timeout.toNanos() / 1000;
      String seconds = String.format(java.util.Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
      ProcessBuilder pb = new ProcessBuilder(List.of("setsid", "bash", "-c", SCRIPT, "galley-watchdog",
          seconds, jobsDir.toString()))
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(jobsDir.resolve(".watchdog.log").toFile()))
          .redirectErrorStream(true);
      pb.environment().keySet().removeIf(name -> name.startsWith("GALLEY_"));
      Process watchdog;
      try {
        watchdog = pb.start();
      } catch (IOException e) {
        throw new IllegalStateException("could not start the orphan watchdog (it needs setsid and bash): " + e.getMessage(), e);
      }
      awaitOwnership(jobsDir, watchdog);
      OrphanWatchdog w = new OrphanWatchdog(jobsDir, lockFile, lock, beats, watchdog);
      // Its own thread rather than the blocking dispatcher: a pool full of JDBC calls waiting for a
      // database that went away must not starve the heartbeat and make the watchdog kill every job.
      beats.scheduleAtFixedRate(w::beat, 0, BEAT.toMillis(), TimeUnit.MILLISECONDS);
      log.info("orphan watchdog {} kills the jobs in {} if this JVM dies or stops beating for {} s",
          watchdog.pid(), jobsDir, seconds);
      return w;
    } catch (IOException | RuntimeException e) {
      beats.shutdownNow();
      lock.release();
      lockFile.close();
      throw e;
    }
  }

  /** The pid of the watchdog process. */
  public long pid() {
    return watchdog.pid();
  }

  /**
   * Kills every marked attempt's process group at once, through the watchdog (which marks each with
   * {@link #KILLED_MARK}): this node was downed, and the cluster gives its jobs to other handlers
   * soon. Returns at once; the runners see the processes end.
   */
  public void killAll() {
    write("kill\n");
  }

  /**
   * This JVM stops cleanly and has given every job back: its watchdog exits at its next beat, or at
   * the JVM's end. Not called when jobs may still run; then the watchdog kills them once this JVM
   * is gone.
   */
  public void dismiss() {
    try {
      if (Files.readString(jobsDir.resolve(OWNER)).trim().equals(Long.toString(pid()))) {
        Files.delete(jobsDir.resolve(OWNER));
      }
    } catch (NoSuchFileException e) {
      // dismissed already
    } catch (IOException e) {
      log.warn("could not dismiss the orphan watchdog {}: {}", pid(), e.toString());
    }
  }

  /** Stops beating and gives up the jobs directory: the actor system is gone. Idempotent. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    heartbeat.shutdownNow();
    try {
      synchronized (pipe) {
        pipe.close(); // the watchdog sees the end: exits if dismissed, else kills what is left
      }
    } catch (IOException e) {
      // gone already
    }
    try {
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      log.warn("could not release {}: {}", jobsDir.resolve(".lock"), e.toString());
    }
  }

  /** Tests only: stop (false) or resume (true) beating while the pipe stays open, as a frozen JVM would. */
  void beating(boolean on) {
    beating = on;
  }

  private void beat() {
    if (beating) {
      write("\n");
    }
  }

  private boolean failing;

  private void write(String line) {
    try {
      synchronized (pipe) {
        pipe.write(line.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        pipe.flush();
      }
      failing = false;
    } catch (IOException e) {
      if (!failing && !closed.get()) {
        log.error("the orphan watchdog {} is gone ({}): jobs here are not killed should this JVM die", pid(), e.toString());
      }
      failing = true;
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
}
