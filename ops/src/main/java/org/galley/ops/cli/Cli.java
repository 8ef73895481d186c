package org.galley.ops.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.galley.ops.cli.config.ProcessSet;

/**
 * {@code galley COMMAND [--config FILE] [ARGS]}: the process manager, like Galaxy's galaxyctl.
 * Each command is one small class; they share the parsed config through {@link Context}.
 */
public final class Cli {
  static final List<Command> COMMANDS = List.of(
      new StartCommand(), new StopCommand(), new RestartCommand(), new GracefulCommand("graceful"),
      new GracefulCommand("reload"), new StatusCommand(), new FollowCommand(), new UpdateCommand(),
      new ExecCommand(), new SystemdCommand(), new ShowConfigCommand(), new DbCommand(), new AdminKeyCommand(),
      new TopCommand());

  /** What every command may need: the config file, parsed on first use. */
  static final class Context {
    final Path configFile;
    private ProcessSet set;

    Context(Path configFile) {
      this.configFile = configFile;
    }

    ProcessSet set() {
      if (set == null) {
        set = ProcessSet.load(configFile);
      }
      return set;
    }
  }

  private Cli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] argv) {
    List<String> args = new ArrayList<>(List.of(argv));
    String env = System.getenv("GALLEY_CONFIG");
    Path config = Path.of(env == null || env.isBlank() ? "galley.conf" : env);
    int at = args.indexOf("--config");
    if (at >= 0) {
      if (at + 1 >= args.size()) {
        System.err.println("galley: --config needs a file");
        return 2;
      }
      config = Path.of(args.get(at + 1));
      args.remove(at + 1);
      args.remove(at);
    }
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
      System.out.print(usage());
      return args.isEmpty() ? 2 : 0;
    }
    String name = args.remove(0);
    Command command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    if (command == null) {
      System.err.println("galley: unknown command '" + name + "'\n" + usage());
      return 2;
    }
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(command.usage());
      return 0;
    }
    try {
      return command.run(new Context(config), args);
    } catch (UsageException e) {
      System.err.println("galley " + name + ": " + e.getMessage() + "\n" + command.usage());
      return 2;
    } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
      System.err.println("galley " + name + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("galley " + name + ": " + e);
      return 1;
    }
  }

  static String usage() {
    StringBuilder b = new StringBuilder("usage: galley COMMAND [--config FILE] [ARGS]   (FILE: $GALLEY_CONFIG or ./galley.conf)\n\n");
    for (Command c : COMMANDS) {
      b.append(String.format("  %-12s %s%n", c.name(), c.summary()));
    }
    b.append("\n`galley COMMAND --help` tells more. Also: galley run | build | bench (the galley script).\n");
    return b.toString();
  }

  /** A command was called with arguments it does not take. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** Fails unless {@code args} is empty. */
  static void noArgs(List<String> args) {
    if (!args.isEmpty()) {
      throw new UsageException("unexpected argument(s) " + args);
    }
  }
}
