package org.galley.ops.cli;

import java.util.List;

/** One {@code galley} subcommand: parses its arguments and calls one operation. */
interface Command {
  /** The word that selects it. */
  String name();

  /** One line for the command list. */
  String summary();

  /** Its {@code --help}: usage and options. */
  String usage();

  /** Runs it; the return value is the process's exit code (0 ok, 1 failed, 2 bad usage, 3 not running). */
  int run(Cli.Context context, List<String> args) throws Exception;
}
