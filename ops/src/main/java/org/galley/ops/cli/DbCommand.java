package org.galley.ops.cli;

import java.util.List;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;

/** {@code galley db}: the set's embedded PostgreSQL alone, in the foreground. */
final class DbCommand implements Command {
  @Override
  public String name() {
    return "db";
  }

  @Override
  public String summary() {
    return "run the set's embedded PostgreSQL in the foreground";
  }

  @Override
  public String usage() {
    return """
        usage: galley db [--config FILE]
          The embedded PostgreSQL of the config (database.embedded-port, data in STATE-DIR/db), in the
          foreground; the same as `galley exec db`. Not available when database.url names a server.
          (`./galley db -Dkey=value` without a config runs it on port 15432 under ./var.)
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    Cli.noArgs(args);
    ProcessSet set = context.set();
    if (set.processes().stream().noneMatch(p -> p.kind() == ProcessSpec.Kind.DB)) {
      System.err.println("galley db: database.url is set in " + set.configFile() + ": there is no embedded database");
      return 1;
    }
    return ExecCommand.exec(set, set.process("db"));
  }
}
