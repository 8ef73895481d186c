package org.galley.ops.cli;

import java.util.List;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;
import org.galley.ops.cli.supervisor.RunFiles;

/** {@code galley exec NAME}: one process of the set in the foreground (what systemd units run). */
final class ExecCommand implements Command {
  @Override
  public String name() {
    return "exec";
  }

  @Override
  public String summary() {
    return "run one process of the set in the foreground (systemd units use it)";
  }

  @Override
  public String usage() {
    return """
        usage: galley exec NAME [--config FILE]
          Runs process NAME (see `galley status` for the names) with the settings of the config, its
          output on this terminal, and records it in its run file so `galley status` sees it. SIGTERM
          or Ctrl-C is passed on to it; the exit code is its own.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    if (args.size() != 1) {
      throw new Cli.UsageException("exactly one process name, got " + args);
    }
    return exec(context.set(), context.set().process(args.get(0)));
  }

  static int exec(ProcessSet set, ProcessSpec spec) throws Exception {
    ProcessBuilder b = new ProcessBuilder(spec.command(set)).inheritIO();
    b.environment().putAll(set.environment());
    Process p = b.start();
    RunFiles runs = new RunFiles(set);
    long started = System.currentTimeMillis();
    runs.write(spec.name(), new RunFiles.Run(p.pid(), "running", started, 0));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (p.isAlive()) {
        p.destroy(); // SIGTERM: the node's graceful stop
        try {
          p.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "galley-exec-stop"));
    int exit = p.waitFor();
    runs.write(spec.name(), new RunFiles.Run(p.pid(), "stopped", started, 0));
    return exit;
  }
}
