package org.galley.ops.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;

/**
 * {@code galley systemd}: unit files for the set, systemd being the supervisor: one service for
 * the database, template units {@code galley-web@.service} and {@code galley-handler@.service}
 * whose instance is the process name, and {@code galley.target} that wants them all. Each unit
 * runs {@code galley exec NAME}, so the config stays the one source of ports and settings.
 */
final class SystemdCommand implements Command {
  @Override
  public String name() {
    return "systemd";
  }

  @Override
  public String summary() {
    return "write systemd unit files (a template unit for web nodes and one for handlers)";
  }

  @Override
  public String usage() {
    return """
        usage: galley systemd [--dir DIR] [--config FILE]
          Writes galley.target, galley-db.service (embedded database only), galley-web@.service and
          galley-handler@.service into DIR (default ./systemd). Install with:
            sudo cp DIR/* /etc/systemd/system/ && sudo systemctl daemon-reload
            sudo systemctl enable --now galley.target
          A handler instance is its process name: galley-handler@handler_0.service. Under systemd,
          restart web nodes and handlers one at a time (systemctl restart galley-web@web_0, wait for
          `galley status` to show it ready, then the next), draining handlers first.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    Path dir = Path.of("systemd");
    int at = args.indexOf("--dir");
    if (at >= 0) {
      if (at + 1 >= args.size()) {
        throw new Cli.UsageException("--dir needs a directory");
      }
      dir = Path.of(args.get(at + 1));
      args.subList(at, at + 2).clear();
    }
    Cli.noArgs(args);
    ProcessSet set = context.set();
    Files.createDirectories(dir);
    List<String> wants = new ArrayList<>();
    List<String> webUnits = new ArrayList<>();
    boolean embedded = false;
    for (ProcessSpec p : set.processes()) {
      switch (p.kind()) {
        case DB -> {
          embedded = true;
          wants.add("galley-db.service");
        }
        case WEB -> {
          wants.add("galley-web@" + p.name() + ".service");
          webUnits.add("galley-web@" + p.name() + ".service");
        }
        case HANDLER -> wants.add("galley-handler@" + p.name() + ".service");
      }
    }
    write(dir.resolve("galley.target"), """
        [Unit]
        Description=Galley: every process of %s
        Wants=%s

        [Install]
        WantedBy=multi-user.target
        """.formatted(set.configFile(), String.join(" ", wants)));
    String db = embedded ? "galley-db.service" : "";
    if (embedded) {
      write(dir.resolve("galley-db.service"), unit(set, "Galley embedded PostgreSQL", "", "db"));
    }
    write(dir.resolve("galley-web@.service"), unit(set, "Galley web node %i", db, "%i"));
    write(dir.resolve("galley-handler@.service"), unit(set, "Galley handler %i",
        (db + " " + String.join(" ", webUnits)).trim(), "%i"));
    System.out.println("galley: wrote " + (embedded ? 4 : 3) + " unit files to " + dir.toAbsolutePath()
        + "; instances: " + wants.stream().collect(Collectors.joining(" ")));
    return 0;
  }

  private static String unit(ProcessSet set, String description, String after, String instance) {
    List<String> cmd = new ArrayList<>();
    cmd.add(set.java());
    cmd.addAll(set.supervisorJvmOptions());
    cmd.addAll(List.of("-cp", set.distLib().resolve("*").toString(), Cli.class.getName(),
        "--config", set.configFile().toString(), "exec", instance));
    return """
        [Unit]
        Description=%s
        PartOf=galley.target
        After=network-online.target %s

        [Service]
        User=%s
        WorkingDirectory=%s
        ExecStart=%s
        # SIGTERM to `galley exec`, which passes it on: the node's graceful stop.
        KillMode=mixed
        TimeoutStopSec=%d
        Restart=on-failure
        RestartSec=2

        [Install]
        WantedBy=galley.target
        """.formatted(description, after, System.getProperty("user.name"), set.configFile().getParent(),
        cmd.stream().map(SystemdCommand::quote).collect(Collectors.joining(" ")), set.stopTimeout().toSeconds() + 15);
  }

  /** systemd's quoting: words with spaces or specials in double quotes; % doubled except in %i. */
  private static String quote(String word) {
    String w = word.replace("%", "%%").replace("%%i", "%i");
    return w.matches("[A-Za-z0-9_./=:@%+,-]+") ? w : "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void write(Path file, String text) throws java.io.IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
