package org.galley.ops.cli;

import java.util.List;
import org.galley.ops.cli.config.ConfigSchema;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;

/** {@code galley show-config [--sample]}: the effective config, each option with its meaning and default. */
final class ShowConfigCommand implements Command {
  @Override
  public String name() {
    return "show-config";
  }

  @Override
  public String summary() {
    return "print the effective config with each option's description and default (--sample: a sample file)";
  }

  @Override
  public String usage() {
    return """
        usage: galley show-config [--sample] [--config FILE]
          Prints every option of the config file with its value in effect, what it means and its
          default, then the processes it makes. --sample prints a complete sample galley.conf (all
          defaults, commented) instead: galley show-config --sample > galley.conf
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    if (args.remove("--sample")) {
      Cli.noArgs(args);
      System.out.print(ConfigSchema.sample());
      return 0;
    }
    Cli.noArgs(args);
    ProcessSet set = context.set();
    System.out.print(ConfigSchema.show(set));
    System.out.println("\n# processes, in start order:");
    for (ProcessSpec p : set.processes()) {
      System.out.printf("#   %-16s %-8s %s%n", p.name(), p.roles(),
          p.kind() == ProcessSpec.Kind.DB ? "port " + p.clusterPort()
              : (p.httpPort() > 0 ? "http " + p.httpPort() + ", " : "") + "cluster " + p.clusterPort()
                  + ", management " + p.managementPort() + (p.pools().isEmpty() ? "" : ", pools " + p.pools()));
    }
    return 0;
  }
}
