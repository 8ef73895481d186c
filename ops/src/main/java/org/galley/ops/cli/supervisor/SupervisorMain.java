package org.galley.ops.cli.supervisor;

import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.galley.ops.cli.config.ProcessSet;

/**
 * The supervisor process of {@code galley start}: holds STATE-DIR/run/supervisor.lock (one
 * supervisor per state directory), starts the set, serves the control endpoint, and stops
 * everything on {@code galley stop} or SIGTERM.
 */
public final class SupervisorMain {
  public static final String STARTED_FILE = "supervisor.started";

  private SupervisorMain() {}

  /** {@code SupervisorMain CONFIG}: what the daemonized {@code galley start} runs. */
  public static void main(String[] args) throws Exception {
    System.exit(run(ProcessSet.load(Path.of(args[0])), System.out));
  }

  /** Runs the set until stopped; returns the exit code. */
  public static int run(ProcessSet set, PrintStream out) throws Exception {
    Files.createDirectories(set.runDir());
    try (FileChannel lockFile = FileChannel.open(set.runDir().resolve("supervisor.lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = lockFile.tryLock();
      if (lock == null) {
        out.println("galley: a supervisor already runs the set in " + set.stateDir());
        return 1;
      }
      return supervise(set, out);
    }
  }

  private static int supervise(ProcessSet set, PrintStream out) throws Exception {
    Supervisor supervisor = new Supervisor(set);
    CountDownLatch stopped = new CountDownLatch(1);
    Map<String, ControlServer.Operation> ops = new LinkedHashMap<>();
    ops.put("stop", o -> {
      supervisor.stopAll(o);
      stopped.countDown();
    });
    ops.put("graceful", supervisor::graceful);
    ops.put("restart", o -> {
      supervisor.stopAll(o);
      supervisor.startAll(o);
    });
    ops.put("update", o -> supervisor.update(ProcessSet.load(set.configFile()), o));
    ControlServer control = new ControlServer(set, ops);
    Thread hook = new Thread(() -> {
      try {
        supervisor.stopAll(out);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "galley-supervisor-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("galley: supervisor " + ProcessHandle.current().pid() + " runs " + set.configFile()
        + " (state in " + set.stateDir() + ", logs in " + set.logDir() + ")");
    try {
      supervisor.startAll(out);
    } catch (Exception e) {
      out.println("galley: start failed: " + e.getMessage());
      supervisor.stopAll(out);
      control.stop();
      Files.deleteIfExists(ControlServer.controlFile(set));
      Runtime.getRuntime().removeShutdownHook(hook);
      return 1;
    }
    Supervisor.writeString(set.runDir().resolve(STARTED_FILE), ProcessHandle.current().pid() + "\n");
    out.println("galley: all " + set.processes().size() + " processes ready; public API " + set.publicUrl() + "/api");
    stopped.await();
    Files.deleteIfExists(set.runDir().resolve(STARTED_FILE));
    Files.deleteIfExists(ControlServer.controlFile(set));
    Runtime.getRuntime().removeShutdownHook(hook);
    out.println("galley: supervisor stopped");
    control.stop(); // waits a moment for the answer to the stop request to be written
    return 0;
  }
}
