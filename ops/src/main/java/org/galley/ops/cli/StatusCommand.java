package org.galley.ops.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;
import org.galley.ops.cli.supervisor.ControlClient;
import org.galley.ops.cli.supervisor.NodeApi;
import org.galley.ops.cli.supervisor.RunFiles;

/** {@code galley status}: one line per process, from its run file, its management endpoint and the API. */
final class StatusCommand implements Command {
  @Override
  public String name() {
    return "status";
  }

  @Override
  public String summary() {
    return "a table of the processes: pid, roles, pools, state, uptime, running jobs";
  }

  @Override
  public String usage() {
    return """
        usage: galley status [--config FILE]
          NAME PID ROLES POOLS STATE UPTIME RUNNING, one line per process of the config. STATE is
          ready (management /ready answers), or what the supervisor last recorded (starting, backoff,
          stopping, stopped, crashed). RUNNING is the handler's running jobs as the API reports them.
          Exit 0 if every process is ready, 3 otherwise.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    Cli.noArgs(args);
    ProcessSet set = context.set();
    RunFiles runs = new RunFiles(set);
    NodeApi api = new NodeApi(set);
    Map<String, Integer> running = api.runningJobs();
    String format = "%-16s %8s %-8s %-16s %-9s %9s %7s%n";
    StringBuilder b = new StringBuilder(String.format(format, "NAME", "PID", "ROLES", "POOLS", "STATE", "UPTIME", "RUNNING"));
    boolean allReady = true;
    for (ProcessSpec p : set.processes()) {
      Optional<RunFiles.Run> run = runs.read(p.name());
      boolean alive = run.map(r -> r.alive(p.name())).orElse(false);
      String state;
      if (alive) {
        boolean ready = p.kind() == ProcessSpec.Kind.DB ? true : api.ready(p);
        state = ready ? "ready" : run.get().state().equals("running") ? "not-ready" : run.get().state();
      } else {
        state = run.map(RunFiles.Run::state).filter(s -> s.equals("backoff") || s.equals("crashed")).orElse("stopped");
      }
      allReady &= state.equals("ready");
      b.append(String.format(format, p.name(), alive ? Long.toString(run.get().pid()) : "-", p.roles(),
          p.pools().isEmpty() ? "-" : String.join(",", p.pools()), state,
          alive ? uptime(System.currentTimeMillis() - run.get().startedMillis()) : "-",
          p.kind() == ProcessSpec.Kind.HANDLER && running.containsKey(p.name()) ? running.get(p.name()).toString() : "-"));
    }
    System.out.print(b);
    var supervisor = ControlClient.find(set);
    System.out.println(supervisor.map(s -> "supervisor pid " + s.pid).orElse("no supervisor running")
        + "; public API " + set.publicUrl() + "/api");
    return allReady ? 0 : 3;
  }

  static String uptime(long millis) {
    Duration d = Duration.ofMillis(Math.max(0, millis));
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m";
    }
    return d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : d.toSeconds() + "s";
  }
}
