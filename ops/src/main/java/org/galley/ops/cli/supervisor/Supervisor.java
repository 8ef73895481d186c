package org.galley.ops.cli.supervisor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.galley.ops.cli.config.ProcessSpec.Kind;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;

/**
 * Runs a process set: starts the database, then the web nodes, then the handlers, each gated on
 * its readiness; restarts a process that crashed, with backoff; stops them in reverse order.
 * Operations (start, stop, graceful, update) run one at a time. Needs no Pekko: processes,
 * files and HTTP only, so it runs in a 32 MB JVM.
 */
final class Supervisor {
  private final Map<String, Supervised> processes = new LinkedHashMap<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "galley-restarts");
    t.setDaemon(true);
    return t;
  });
  private volatile ProcessSet set;
  private volatile boolean stopping;
  private final RunFiles runs;

  Supervisor(ProcessSet set) {
    this.set = set;
    this.runs = new RunFiles(set);
  }

  ProcessSet set() {
    return set;
  }

  /** Starts every process not running yet, in order, each gated on readiness. */
  synchronized void startAll(PrintStream out) throws Exception {
    stopping = false;
    for (ProcessSpec spec : set.processes()) {
      start(spec, out);
    }
  }

  private void start(ProcessSpec spec, PrintStream out) throws Exception {
    Supervised s = processes.computeIfAbsent(spec.name(), n -> new Supervised(spec, set.backoffMin()));
    if (s.alive()) {
      return;
    }
    Optional<RunFiles.Run> left = runs.read(spec.name()).filter(r -> r.alive(spec.name()));
    if (left.isPresent()) {
      out.println("galley: " + spec.name() + " is still running (pid " + left.get().pid() + "): adopting it");
      s.adopt(ProcessHandle.of(left.get().pid()).orElseThrow(), runs, () -> crashed(s));
    } else {
      out.println("galley: starting " + spec.name());
      s.launch(set, runs, () -> crashed(s));
    }
    awaitReady(s, out);
  }

  /** Waits until the process answers /ready (the database: prints its URL / takes connections). */
  void awaitReady(Supervised s, PrintStream out) throws Exception {
    long t0 = System.nanoTime();
    long deadline = t0 + set.readyTimeout().toNanos();
    NodeApi api = new NodeApi(set);
    while (System.nanoTime() < deadline) {
      if (!s.alive()) {
        throw new IllegalStateException(s.spec.name() + " exited while starting; see " + s.spec.log(set));
      }
      if (s.spec.kind() == Kind.DB ? databaseAccepts(s.spec) : api.ready(s.spec)) {
        s.setState("running", runs);
        out.printf("galley: %s ready (pid %d) in %.1f s%n", s.spec.name(), s.pid(), (System.nanoTime() - t0) / 1e9);
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
    }
    throw new IllegalStateException(s.spec.name() + " not ready within " + set.readyTimeout() + "; see " + s.spec.log(set));
  }

  private static boolean databaseAccepts(ProcessSpec db) {
    String url = db.properties().get("galley.db.embedded.port");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + url + "/postgres?connectTimeout=2", "postgres", "")) {
      // Nodes migrate the schema themselves; an answering server is enough.
      return c.isValid(2);
    } catch (java.sql.SQLException notYet) {
      return false;
    }
  }

  private void crashed(Supervised s) {
    if (stopping) {
      return;
    }
    Duration wait = s.nextBackoff(set.backoffMin(), set.backoffMax());
    System.out.println("galley: " + s.spec.name() + " exited unexpectedly; restarting in " + wait.toMillis() + " ms");
    s.setState("backoff", runs);
    timers.schedule(() -> restartCrashed(s), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void restartCrashed(Supervised s) {
    synchronized (this) {
      if (stopping || s.alive() || processes.get(s.spec.name()) != s) {
        return; // stopping, restarted meanwhile (graceful), or removed (update)
      }
      try {
        s.launch(set, runs, () -> crashed(s));
      } catch (IOException e) {
        System.out.println("galley: restarting " + s.spec.name() + " failed: " + e);
        crashed(s);
        return;
      }
    }
    try {
      awaitReady(s, System.out);
    } catch (Exception e) {
      System.out.println("galley: " + e.getMessage());
    }
  }

  /**
   * Stops every process: the handlers, then the web nodes, the database last. The processes of
   * one kind stop together (SIGTERM to all, then each is awaited): nothing orders them.
   */
  synchronized void stopAll(PrintStream out) throws InterruptedException {
    stopping = true;
    for (Kind kind : List.of(Kind.HANDLER, Kind.WEB, Kind.DB)) {
      List<Thread> stops = new ArrayList<>();
      for (Supervised s : processes.values()) {
        if (s.spec.kind() != kind) {
          continue;
        }
        if (s.alive()) {
          out.println("galley: stopping " + s.spec.name() + " (pid " + s.pid() + ")");
        }
        Thread t = new Thread(() -> {
          try {
            s.stop(set.stopTimeout(), runs, out);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "galley-stop-" + s.spec.name());
        t.start();
        stops.add(t);
      }
      for (Thread t : stops) {
        t.join();
      }
    }
  }

  /** Restarts every process one at a time; see {@link Graceful}. */
  synchronized void graceful(PrintStream out) throws Exception {
    new Graceful(this, out).run();
  }

  /** Stops one process on purpose and starts it again with the current config, gated on readiness. */
  void restartOne(String name, PrintStream out) throws Exception {
    Supervised s = processes.get(name);
    s.stop(set.stopTimeout(), runs, out);
    Supervised fresh = new Supervised(set.process(name), set.backoffMin());
    processes.put(name, fresh);
    fresh.launch(set, runs, () -> crashed(fresh));
    awaitReady(fresh, out);
  }

  /** Reads the config again: stops processes it no longer names, starts those it adds. */
  synchronized void update(ProcessSet fresh, PrintStream out) throws Exception {
    List<String> removed = new ArrayList<>(processes.keySet());
    fresh.processes().forEach(p -> removed.remove(p.name()));
    java.util.Collections.reverse(removed);
    for (String name : removed) {
      out.println("galley: stopping " + name + " (no longer in " + fresh.configFile() + ")");
      processes.remove(name).stop(set.stopTimeout(), runs, out);
      Files.deleteIfExists(set.runDir().resolve(name + ".run"));
    }
    for (ProcessSpec p : fresh.processes()) {
      Supervised s = processes.get(p.name());
      if (s != null && !s.spec.equals(p)) {
        out.println("galley: " + p.name() + " changed; `galley graceful` restarts it with the new settings");
      }
    }
    set = fresh;
    for (ProcessSpec spec : fresh.processes()) {
      if (!processes.containsKey(spec.name())) {
        start(spec, out);
      }
    }
    out.println("galley: update done: " + removed.size() + " stopped, " + fresh.processes().size() + " in the set");
  }

  List<Supervised> supervised() {
    return List.copyOf(processes.values());
  }

  RunFiles runs() {
    return runs;
  }

  static void writeString(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
