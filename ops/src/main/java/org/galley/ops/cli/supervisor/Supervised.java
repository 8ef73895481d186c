package org.galley.ops.cli.supervisor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;

/**
 * One process under the supervisor: its handle and what the supervisor meant it to do. An exit
 * while {@link #expected} is false is a crash, and the supervisor restarts it after a backoff
 * that doubles at each crash and resets once the process stayed up a minute.
 */
final class Supervised {
  private static final long STABLE_MILLIS = 60_000;

  final ProcessSpec spec;
  private volatile ProcessHandle handle;
  private volatile String state = "stopped";
  private volatile long startedMillis;
  private volatile int restarts;
  private volatile boolean expected = true;
  private Duration backoff;

  Supervised(ProcessSpec spec, Duration backoffMin) {
    this.spec = spec;
    this.backoff = backoffMin;
  }

  /** Starts the process (its output appended to its log); {@code onCrash} runs if it exits unasked. */
  synchronized void launch(ProcessSet set, RunFiles runs, Runnable onCrash) throws IOException {
    Files.createDirectories(set.logDir());
    ProcessBuilder b = new ProcessBuilder(spec.command(set))
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log(set).toFile()));
    b.environment().putAll(set.environment());
    watch(b.start().toHandle(), runs, onCrash);
  }

  /** Takes over a process a previous supervisor started and left running. */
  synchronized void adopt(ProcessHandle h, RunFiles runs, Runnable onCrash) {
    watch(h, runs, onCrash);
  }

  private void watch(ProcessHandle h, RunFiles runs, Runnable onCrash) {
    handle = h;
    expected = false;
    startedMillis = h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());
    setState("starting", runs);
    h.onExit().thenRun(() -> {
      synchronized (this) {
        if (handle != h || expected) {
          return; // an older incarnation, or stopped on purpose: stop() records it
        }
        setState("crashed", runs);
      }
      onCrash.run();
    });
  }

  /** The wait before the next restart after a crash, and the one after it. */
  synchronized Duration nextBackoff(Duration min, Duration max) {
    if (System.currentTimeMillis() - startedMillis > STABLE_MILLIS) {
      backoff = min;
    }
    Duration now = backoff;
    backoff = backoff.multipliedBy(2).compareTo(max) > 0 ? max : backoff.multipliedBy(2);
    restarts++;
    return now;
  }

  /** SIGTERM, then SIGKILL after {@code timeout}; returns once it is gone. No restart follows. */
  void stop(Duration timeout, RunFiles runs, PrintStream out) throws InterruptedException {
    ProcessHandle h;
    synchronized (this) {
      expected = true;
      h = handle;
      if (h == null || !h.isAlive()) {
        setState("stopped", runs);
        return;
      }
      setState("stopping", runs);
    }
    h.destroy();
    CompletableFuture<ProcessHandle> exit = h.onExit();
    try {
      exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      out.println("galley: " + spec.name() + " did not stop within " + timeout + ": killing it");
      h.destroyForcibly();
      try {
        exit.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException | java.util.concurrent.ExecutionException e2) {
        throw new IllegalStateException(spec.name() + " (pid " + h.pid() + ") survived SIGKILL", e2);
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
    setState("stopped", runs);
  }

  synchronized void setState(String state, RunFiles runs) {
    this.state = state;
    ProcessHandle h = handle;
    runs.write(spec.name(), new RunFiles.Run(h == null ? 0 : h.pid(), state, startedMillis, restarts));
  }

  boolean alive() {
    ProcessHandle h = handle;
    return h != null && h.isAlive();
  }

  String state() {
    return state;
  }

  long pid() {
    ProcessHandle h = handle;
    return h == null ? 0 : h.pid();
  }
}
