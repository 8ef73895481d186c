package org.galley.ops.cli.supervisor;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.galley.ops.cli.config.ProcessSpec.Kind;

/**
 * {@code galley graceful}: restarts every node process one at a time so that nobody notices.
 * A web node is stopped with SIGTERM (it stops accepting, finishes requests in flight, leaves the
 * cluster), started again and waited for: its own {@code /ready} (which it answers only once its
 * HTTP port is bound) and the public {@code /api/version}; meanwhile the other web nodes keep the
 * shared port answering; between two web nodes it waits {@code timeouts.web-settle} for proxies. A
 * handler is drained, its running jobs are awaited (bounded by
 * {@code timeouts.drain}), it is stopped, started, awaited and undrained. The database is not
 * restarted: every node depends on it.
 */
final class Graceful {
  private final Supervisor supervisor;
  private final PrintStream out;

  Graceful(Supervisor supervisor, PrintStream out) {
    this.supervisor = supervisor;
    this.out = out;
  }

  void run() throws Exception {
    long t0 = System.nanoTime();
    int restarted = 0;
    List<Supervised> webs = supervisor.supervised().stream().filter(s -> s.spec.kind() == Kind.WEB).toList();
    for (int i = 0; i < webs.size(); i++) {
      if (i > 0) {
        settle();
      }
      restartWeb(webs.get(i));
      restarted++;
    }
    for (Supervised s : supervisor.supervised()) {
      if (s.spec.kind() == Kind.HANDLER) {
        restartHandler(s);
        restarted++;
      }
    }
    out.printf("galley: graceful restart of %d processes done in %.1f s%n", restarted, (System.nanoTime() - t0) / 1e9);
  }

  private void restartWeb(Supervised s) throws Exception {
    long t0 = System.nanoTime();
    out.println("galley: graceful: restarting web node " + s.spec.name());
    supervisor.restartOne(s.spec.name(), out);
    NodeApi api = new NodeApi(supervisor.set());
    awaitTrue(api::versionAnswers, "the public API " + supervisor.set().publicUrl() + "/api/version");
    out.printf("galley: graceful: %s back in %.1f s%n", s.spec.name(), (System.nanoTime() - t0) / 1e9);
  }

  /**
   * A proxy that saw the previous node refuse connections keeps it out for its fail_timeout after
   * the last refusal, whatever the node's own readiness says; stopping the next node sooner would
   * leave the proxy no upstream it believes alive. Nothing to ask the proxy, so this is a wait.
   */
  private void settle() throws InterruptedException {
    var settle = supervisor.set().webSettle();
    if (!settle.isZero()) {
      out.println("galley: graceful: " + settle.toMillis() + " ms for proxies to take the restarted web node back");
      TimeUnit.MILLISECONDS.sleep(settle.toMillis());
    }
  }

  private void restartHandler(Supervised s) throws Exception {
    long t0 = System.nanoTime();
    String name = s.spec.name();
    NodeApi api = new NodeApi(supervisor.set());
    out.println("galley: graceful: draining handler " + name);
    api.drain(name, true);
    try {
      long deadline = System.nanoTime() + supervisor.set().drainTimeout().toNanos();
      int running;
      while ((running = api.runningJobs().getOrDefault(name, 0)) > 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
      }
      if (running > 0) {
        out.println("galley: graceful: " + name + " still runs " + running + " job(s) after "
            + supervisor.set().drainTimeout() + "; stopping it anyway (its shutdown-grace applies)");
      }
      supervisor.restartOne(name, out);
    } finally {
      api.drain(name, false);
    }
    out.printf("galley: graceful: %s back and undrained in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
  }

  private void awaitTrue(java.util.function.BooleanSupplier check, String what) throws InterruptedException {
    long deadline = System.nanoTime() + supervisor.set().readyTimeout().toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " did not answer within " + supervisor.set().readyTimeout());
      }
      TimeUnit.MILLISECONDS.sleep(100); // poll interval of a deadline-bounded wait
    }
  }
}
