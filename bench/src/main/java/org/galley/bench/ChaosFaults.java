package org.galley.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The faults of a chaos run, one at a time with a random pause between them, every kind once per
 * round of five in a random order: kill -9 of a handler
 * or a web node (started again a few seconds later), a freeze (SIGSTOP, then SIGCONT) of any node,
 * a graceful restart (SIGTERM, start) of any node, and a restart of the database. Before each node
 * fault every node must be ready again, so that the cluster keeps its majority. Every fault is
 * logged with its time and target.
 */
final class ChaosFaults {
  enum Kind { KILL_HANDLER, KILL_WEB, FREEZE, RESTART_NODE, RESTART_DATABASE }

  /** One fault: seconds since the faults began, what, on which node, and how long. */
  record Fault(double atSeconds, Kind kind, String target, String detail) {
    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%7.1f s %-16s %-6s %s", atSeconds, kind, target, detail);
    }
  }

  private final ChaosCluster cluster;
  private final ChaosSettings settings;
  private final Random random;
  private final List<Kind> round = new ArrayList<>();
  final List<Fault> injected = new ArrayList<>();

  ChaosFaults(ChaosCluster cluster, ChaosSettings settings) {
    this.cluster = cluster;
    this.settings = settings;
    this.random = new Random(settings.seed());
  }

  /** Injects faults until {@code duration} has passed; leaves every node running and thawed. */
  void run() throws Exception {
    long t0 = System.nanoTime();
    long end = t0 + settings.duration().toNanos();
    while (System.nanoTime() < end) {
      pause(between(settings.gapMin(), settings.gapMax()));
      if (System.nanoTime() >= end) {
        break;
      }
      Kind kind = nextKind();
      if (kind != Kind.RESTART_DATABASE) {
        cluster.awaitAllReady(Duration.ofSeconds(240));
      }
      double at = (System.nanoTime() - t0) / 1e9;
      Fault f = inject(kind, at);
      injected.add(f);
      System.err.println("chaos: " + f);
      for (String name : cluster.restartDead()) {
        System.err.println("chaos:         " + name + " had exited; started again");
      }
    }
    cluster.awaitAllReady(Duration.ofSeconds(240));
  }

  private Fault inject(Kind kind, double at) throws Exception {
    switch (kind) {
      case KILL_HANDLER, KILL_WEB -> {
        List<String> names = kind == Kind.KILL_HANDLER ? ChaosCluster.HANDLERS : ChaosCluster.WEBS;
        ChaosCluster.Node n = cluster.node(names.get(random.nextInt(names.size())));
        Duration down = between(Duration.ofSeconds(1), Duration.ofSeconds(6));
        cluster.kill(n);
        pause(down);
        n.start();
        return new Fault(at, kind, n.name, "kill -9, started again after " + down.toMillis() + " ms");
      }
      case FREEZE -> {
        ChaosCluster.Node n = anyNode();
        Duration frozen = between(Duration.ofSeconds(1), settings.freezeMax());
        cluster.signal(n, "STOP");
        pause(frozen);
        cluster.signal(n, "CONT");
        return new Fault(at, kind, n.name, "SIGSTOP for " + frozen.toMillis() + " ms, then SIGCONT");
      }
      case RESTART_NODE -> {
        ChaosCluster.Node n = anyNode();
        long t = System.nanoTime();
        cluster.stop(n);
        long stopMs = (System.nanoTime() - t) / 1_000_000;
        n.start();
        return new Fault(at, kind, n.name, "SIGTERM (stopped in " + stopMs + " ms), started again");
      }
      case RESTART_DATABASE -> {
        Duration down = between(Duration.ofSeconds(1), Duration.ofSeconds(5));
        cluster.stopDatabase();
        pause(down);
        cluster.startDatabase();
        return new Fault(at, kind, "db", "stopped, started again after " + down.toMillis() + " ms");
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  /** Every kind once per round, in a random order: a short run still sees different faults. */
  private Kind nextKind() {
    if (round.isEmpty()) {
      round.addAll(List.of(Kind.values()));
      java.util.Collections.shuffle(round, random);
    }
    return round.remove(0);
  }

  private ChaosCluster.Node anyNode() {
    List<ChaosCluster.Node> all = cluster.nodes();
    return all.get(random.nextInt(all.size()));
  }

  private Duration between(Duration min, Duration max) {
    long span = max.toMillis() - min.toMillis();
    return min.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
  }

  /** A fault's planned length: the chaos itself, not a wait for a condition. */
  private static void pause(Duration d) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(d.toMillis());
  }
}
