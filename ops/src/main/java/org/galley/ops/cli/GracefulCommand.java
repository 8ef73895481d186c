package org.galley.ops.cli;

import java.util.List;
import org.galley.ops.cli.supervisor.ControlClient;

/** {@code galley graceful} (alias {@code reload}): a rolling restart that nobody notices. */
final class GracefulCommand implements Command {
  private final String name;

  GracefulCommand(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String summary() {
    return name.equals("reload") ? "same as graceful" : "restart every node one at a time, with no failed request";
  }

  @Override
  public String usage() {
    return """
        usage: galley %s [--config FILE]
          Web nodes one at a time: SIGTERM (stop accepting, finish requests in flight), start again,
          wait for its /ready and the public /api/version, then the next; the other web nodes keep
          the shared port answering. Handlers one at a time: drain, wait for its running jobs (at most
          timeouts.drain), stop, start, wait for /ready, undrain. The database is not restarted.
          New settings of `galley update` take effect here. Exit 0 when all are back.
        """.formatted(name);
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    Cli.noArgs(args);
    var supervisor = ControlClient.find(context.set());
    if (supervisor.isEmpty()) {
      System.err.println("galley: not running (no supervisor for " + context.set().stateDir() + "); `galley start`");
      return 3;
    }
    return supervisor.get().run("graceful");
  }
}
