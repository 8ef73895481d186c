package org.galley.ops.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.util.List;

/**
 * The schema of {@code galley.conf}, the process set the {@code galley} CLI runs: every option
 * with its default and what it means. The defaults the CLI parses with, {@code galley show-config}
 * and the sample config ({@code galley.conf.sample}) are all made from this one list, so they
 * cannot drift apart.
 */
public final class ConfigSchema {
  /** One option: its HOCON path ({@code <group>} stands for a handler group's name), default and meaning. */
  public record Option(String path, String defaultValue, String description) {
    boolean perGroup() {
      return path.startsWith(GROUP_PREFIX);
    }

    /** The path inside a handler group. */
    String groupKey() {
      return path.substring(GROUP_PREFIX.length());
    }
  }

  static final String GROUP_PREFIX = "handlers.<group>.";
  /** The handler groups when the file names none: one group, {@code handler}, of two processes. */
  static final String DEFAULT_HANDLERS = "handlers { handler { processes = 2 } }";

  public static final List<Option> OPTIONS = List.of(
      new Option("state-dir", "\"var\"",
          "State directory: each node's own state (nodes/NAME), the embedded database (db), pid and run files (run),"
              + " the admin key. A relative path is relative to the directory of this file."),
      new Option("log-dir", "\"\"",
          "Directory of the log files, one per process (NAME.log) and supervisor.log. Empty: STATE-DIR/logs."),
      new Option("dist", "\"\"",
          "Folder of the jars the nodes run (a distribution's lib folder). Empty: the one of the galley CLI that"
              + " reads this file. To upgrade, install the new version in a new folder, name it here,"
              + " `galley update`, `galley graceful`: running JVMs never see their jars change under them."),
      new Option("java", "\"\"", "The java program that runs the nodes. Empty: the one running the galley CLI."),
      new Option("jvm-options", "[\"-XX:+UseSerialGC\", \"-Xms24m\", \"-Xmx160m\", \"-Xss512k\", \"-XX:ReservedCodeCacheSize=64m\", \"-XX:-UsePerfData\"]",
          "JVM options of every node process."),
      new Option("supervisor-jvm-options", "[\"-XX:+UseSerialGC\", \"-Xmx32m\", \"-Xss512k\", \"-XX:TieredStopAtLevel=1\"]",
          "JVM options of the supervisor (galley start): it only starts, watches and restarts processes."),
      new Option("properties", "{}",
          "Extra system properties of every node, e.g. { \"galley.tools.dir\" = \"/srv/galley/tools\" }"
              + " (see application.conf for the galley.* settings)."),
      new Option("admin-key", "\"\"",
          "Admin API key of all nodes (the CLI needs it to drain handlers). Empty: generated once into"
              + " STATE-DIR/admin.key. Given to the nodes in the environment (GALLEY_ADMIN_KEY), never on a command line."),
      new Option("host", "\"127.0.0.1\"",
          "Address of this machine that the nodes' cluster and management endpoints bind and announce."),
      new Option("seed-nodes", "[]",
          "Cluster seed nodes as host:port. Empty: the web nodes of this file (add a handler's when there is only"
              + " one web node). On several machines list the same seeds, at least two, everywhere."),
      new Option("api-url", "\"\"",
          "Base URL of the HTTP API the CLI uses (status, draining handlers in graceful). Empty: this"
              + " machine's web port. On a machine with handlers only, a web node elsewhere: \"http://web1:8080\"."),
      new Option("database.url", "\"\"",
          "JDBC URL of the PostgreSQL every node uses. Empty: the CLI runs an embedded PostgreSQL (process db)."),
      new Option("database.embedded-port", "15432", "Port of the embedded PostgreSQL (loopback only)."),
      new Option("web.processes", "2",
          "Number of web processes (the HTTP API). 0 on a machine of handlers only (then list seed-nodes)."),
      new Option("web.name-template", "\"web_{process}\"", "Name of web process number {process} (from 0)."),
      new Option("web.http-host", "\"127.0.0.1\"", "Address the HTTP API binds (0.0.0.0 for all)."),
      new Option("web.http-port", "8080",
          "Public HTTP port. With reuse-port every web process binds this same port; otherwise web i binds port + i."),
      new Option("web.reuse-port", "true",
          "Bind the HTTP port with SO_REUSEPORT, so all web processes share it and it keeps answering while"
              + " graceful restarts them one at a time."),
      new Option("web.cluster-port", "7355", "Cluster (Artery) port of web process 0; web i uses port + i."),
      new Option("web.management-port", "8558", "Management port (/ready, /alive) of web process 0; web i uses port + i."),
      new Option("handler-ports.cluster", "7455",
          "Cluster port of the first handler process; the others follow in name order."),
      new Option("handler-ports.management", "8658",
          "Management port of the first handler process; the others follow in name order."),
      new Option(GROUP_PREFIX + "processes", "1", "Number of processes of the handler group."),
      new Option(GROUP_PREFIX + "pools", "[\"default\"]", "Pools the group's processes serve."),
      new Option(GROUP_PREFIX + "name-template", "\"{name}_{process}\"",
          "Name of process {process} (from 0) of group {name}: its server name in the cluster."),
      new Option(GROUP_PREFIX + "workers", "0", "Jobs each process runs at once. 0: galley.handler.workers."),
      new Option(GROUP_PREFIX + "properties", "{}", "Extra system properties of the group's processes."),
      new Option("timeouts.ready", "120s", "How long a started process may take to answer /ready."),
      new Option("timeouts.stop", "90s", "How long a stopping process (SIGTERM) may take before it is killed."),
      new Option("timeouts.drain", "120s",
          "graceful: how long to wait for a drained handler's running jobs before stopping it anyway"
              + " (its shutdown-grace then applies)."),
      new Option("timeouts.web-settle", "3s",
          "graceful: wait after a web node is back before stopping the next, so that a proxy's passive"
              + " health check (nginx fail_timeout, 2s in ops/nginx/galley.conf) takes it back first. Longer"
              + " than that fail_timeout."),
      new Option("restart.backoff-min", "1s", "Wait before restarting a process that crashed."),
      new Option("restart.backoff-max", "60s",
          "Longest wait between restarts; the wait doubles at each crash and resets after a minute up."));

  private ConfigSchema() {}

  /** Every default that is not per group, plus the default handler groups. */
  static Config defaults() {
    StringBuilder b = new StringBuilder();
    for (Option o : OPTIONS) {
      if (!o.perGroup()) {
        b.append(o.path()).append(" = ").append(o.defaultValue()).append('\n');
      }
    }
    return ConfigFactory.parseString(b.toString());
  }

  /** The defaults of one handler group. */
  static Config groupDefaults() {
    StringBuilder b = new StringBuilder();
    for (Option o : OPTIONS) {
      if (o.perGroup()) {
        b.append(o.groupKey()).append(" = ").append(o.defaultValue()).append('\n');
      }
    }
    return ConfigFactory.parseString(b.toString());
  }

  /** The sample config: every option commented with its meaning, set to its default. */
  public static String sample() {
    StringBuilder b = new StringBuilder();
    b.append("# galley.conf: the process set `galley start` runs (HOCON). Generated by `galley show-config --sample`\n");
    b.append("# from the schema in ConfigSchema.java; do not edit this sample by hand. Every value below is the default.\n");
    for (Option o : OPTIONS) {
      if (o.perGroup()) {
        continue;
      }
      b.append('\n');
      comment(b, "", o);
      b.append(o.path()).append(" = ").append(o.defaultValue()).append('\n');
    }
    b.append("\n# Handler groups, by name. Without any, one group `handler` of 2 processes.\n");
    b.append("handlers {\n  handler {\n");
    for (Option o : OPTIONS) {
      if (o.perGroup()) {
        comment(b, "    ", o);
        String value = o.groupKey().equals("processes") ? "2" : o.defaultValue();
        b.append("    ").append(o.groupKey()).append(" = ").append(value).append('\n');
      }
    }
    b.append("  }\n}\n");
    return b.toString();
  }

  /** The effective configuration: each option's value, then its meaning and default. */
  public static String show(ProcessSet set) {
    Config c = set.config();
    StringBuilder b = new StringBuilder();
    b.append("# effective configuration of ").append(set.configFile()).append(set.configExists() ? "" : " (no such file: all defaults)")
        .append('\n');
    for (Option o : OPTIONS) {
      if (!o.perGroup()) {
        line(b, "", o.path(), c.getValue(o.path()), o);
      }
    }
    Config handlers = c.getConfig("handlers");
    for (String group : ProcessSet.groupNames(c)) {
      Config g = handlers.getConfig(ProcessSet.quoted(group)).withFallback(groupDefaults());
      for (Option o : OPTIONS) {
        if (o.perGroup()) {
          line(b, "", "handlers." + ProcessSet.quoted(group) + "." + o.groupKey(), g.getValue(o.groupKey()), o);
        }
      }
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String indent, String path, ConfigValue value, Option o) {
    b.append('\n');
    comment(b, indent, o);
    b.append(indent).append(path).append(" = ").append(value.render(ConfigRenderOptions.concise())).append('\n');
  }

  private static void comment(StringBuilder b, String indent, Option o) {
    String text = o.description() + " Default: " + o.defaultValue() + ".";
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() + word.length() > 96 - indent.length()) {
        b.append(indent).append("#").append(line).append('\n');
        line.setLength(0);
      }
      line.append(' ').append(word);
    }
    b.append(indent).append("#").append(line).append('\n');
  }
}
