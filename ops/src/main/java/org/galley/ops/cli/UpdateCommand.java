package org.galley.ops.cli;

import java.util.List;
import org.galley.ops.cli.supervisor.ControlClient;

/** {@code galley update}: applies a changed config: starts added processes, stops removed ones. */
final class UpdateCommand implements Command {
  @Override
  public String name() {
    return "update";
  }

  @Override
  public String summary() {
    return "apply the config: start processes it adds, stop those it removes";
  }

  @Override
  public String usage() {
    return """
        usage: galley update [--config FILE]
          The supervisor reads the config again, stops the processes it no longer names and starts
          the new ones (gated on /ready). A process whose settings changed keeps running as it is
          until `galley graceful` restarts it with the new ones.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    Cli.noArgs(args);
    var supervisor = ControlClient.find(context.set());
    if (supervisor.isEmpty()) {
      System.err.println("galley: not running; `galley start` starts the set as configured");
      return 3;
    }
    return supervisor.get().run("update");
  }
}
