package org.galley.ops.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;
import org.galley.ops.cli.supervisor.ControlClient;
import org.galley.ops.cli.supervisor.RunFiles;

/** {@code galley stop}: stops every process and the supervisor. */
final class StopCommand implements Command {
  @Override
  public String name() {
    return "stop";
  }

  @Override
  public String summary() {
    return "stop every process (handlers, web nodes, database) and the supervisor";
  }

  @Override
  public String usage() {
    return """
        usage: galley stop [--config FILE]
          Asks the supervisor to stop the handlers (running jobs may finish within their
          shutdown-grace), then the web nodes, then the database, each with SIGTERM and, after
          timeouts.stop, SIGKILL. Without a supervisor (it was killed), stops the processes it left
          running, found by their run files. Exit 0 once nothing runs.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    Cli.noArgs(args);
    ProcessSet set = context.set();
    Optional<ControlClient> supervisor = ControlClient.find(set);
    if (supervisor.isPresent()) {
      int exit = supervisor.get().run("stop");
      Optional<ProcessHandle> h = ProcessHandle.of(supervisor.get().pid);
      if (h.isPresent()) {
        h.get().onExit().get(30, TimeUnit.SECONDS);
      }
      return exit;
    }
    return stopLeftovers(set);
  }

  /** Processes of the set still running without a supervisor, stopped in reverse start order. */
  static int stopLeftovers(ProcessSet set) throws Exception {
    RunFiles runs = new RunFiles(set);
    List<ProcessSpec> reverse = new ArrayList<>(set.processes());
    Collections.reverse(reverse);
    int stopped = 0;
    for (ProcessSpec p : reverse) {
      Optional<RunFiles.Run> run = runs.read(p.name()).filter(r -> r.alive(p.name()));
      if (run.isEmpty()) {
        continue;
      }
      System.out.println("galley: stopping " + p.name() + " (pid " + run.get().pid() + ", no supervisor)");
      ProcessHandle h = ProcessHandle.of(run.get().pid()).orElseThrow();
      h.destroy();
      try {
        h.onExit().get(set.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        h.destroyForcibly();
        h.onExit().get(30, TimeUnit.SECONDS);
      }
      runs.write(p.name(), new RunFiles.Run(run.get().pid(), "stopped", run.get().startedMillis(), run.get().restarts()));
      stopped++;
    }
    System.out.println(stopped == 0 ? "galley: not running" : "galley: stopped " + stopped + " process(es)");
    return 0;
  }
}
