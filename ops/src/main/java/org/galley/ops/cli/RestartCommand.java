package org.galley.ops.cli;

import java.util.List;
import org.galley.ops.cli.supervisor.ControlClient;

/** {@code galley restart}: stops everything and starts it again (not graceful: the API is down meanwhile). */
final class RestartCommand implements Command {
  @Override
  public String name() {
    return "restart";
  }

  @Override
  public String summary() {
    return "stop every process and start them again (use graceful for no downtime)";
  }

  @Override
  public String usage() {
    return """
        usage: galley restart [--config FILE]
          Stops every process and starts them again in order, gated on /ready. The API is down in
          between; `galley graceful` restarts one process at a time instead. Starts the set if it
          does not run.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    Cli.noArgs(args);
    var supervisor = ControlClient.find(context.set());
    if (supervisor.isEmpty()) {
      return new StartCommand().run(context, new java.util.ArrayList<>());
    }
    return supervisor.get().run("restart");
  }
}
