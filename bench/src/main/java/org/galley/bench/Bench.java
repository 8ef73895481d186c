package org.galley.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./galley bench [scenario...]}: starts Galley nodes from the distribution as processes of
 * their own, drives them over HTTP on 127.0.0.1 and prints one line per measured scenario on
 * stdout (progress goes to stderr). Scenarios: floors (db-floor, spawn-floor), trickle (all-in-one and
 * split), burst, burst-batch, proc, proc-batch, idle, big-table, startup; none given runs them all.
 * Also scale and chaos, only when named.
 */
public final class Bench {
  private static final List<String> BURSTS = List.of("burst", "burst-batch", "proc", "proc-batch");

  private Bench() {}

  private interface Scenario {
    List<Result> run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Scenarios.requireLinux();
    BenchSettings settings = BenchSettings.fromSystemProperties();
    Floors floors = new Floors(settings);
    Scenarios s = new Scenarios(settings, floors);
    Map<String, Scenario> all = new LinkedHashMap<>();
    all.put("floors", floors::run);
    all.put("trickle", s::trickle);
    all.put("burst", s::burst);
    all.put("burst-batch", s::burstBatch);
    all.put("proc", s::proc);
    all.put("proc-batch", s::procBatch);
    all.put("idle", s::idle);
    all.put("big-table", s::bigTable);
    all.put("startup", new Startup(settings)::run);
    List<String> chosen = new ArrayList<>(args.length == 0 ? List.copyOf(all.keySet()) : List.of(args));
    // Every burst line is also a ratio to its floor, measured in the same run and before it.
    if (!chosen.contains("floors") && chosen.stream().anyMatch(BURSTS::contains)) {
      chosen.add(0, "floors");
    }
    // Not part of a plain ./galley bench: 13 JVMs, about 5 minutes (bench/README.md, "scale").
    all.put("scale", new Scale(settings, s)::run);
    // Not part of a plain ./galley bench: it runs 10 minutes (bench/README.md, "chaos").
    all.put("chaos", () -> {
      ChaosReport report = Chaos.run(ChaosSettings.fromSystemProperties(), settings.dist(),
          settings.runDir().resolve("chaos"), settings.nodeJvmOptions(), settings.nodeProperties());
      report.lines().forEach(System.out::println);
      return List.of(report.result());
    });
    for (String name : chosen) {
      if (!all.containsKey(name)) {
        System.err.println("bench: unknown scenario '" + name + "'; known: " + String.join(", ", all.keySet()));
        System.exit(2);
      }
    }
    System.err.println("bench: " + settings);
    List<Result> results = new ArrayList<>();
    for (String name : chosen) {
      System.err.println("bench: running " + name + "...");
      for (Result r : all.get(name).run()) {
        results.add(r);
        System.out.println(r.line());
        System.out.flush();
      }
    }
  }
}
