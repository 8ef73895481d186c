package org.galley.ops.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One process of the set, as the config names it: what it is, its ports and the command that
 * starts it. The command carries {@code -Dgalley-cli.process=NAME}, so that a process still
 * running after its supervisor died is recognised by its command line and adopted, not started twice.
 */
public record ProcessSpec(String name, Kind kind, String group, List<String> pools, int httpPort, int clusterPort,
    int managementPort, Map<String, String> properties) {

  public enum Kind { DB, WEB, HANDLER }

  public static final String MARKER = "-Dgalley-cli.process=";

  /** The java command line; secrets (the admin key) go in the environment, see {@link ProcessSet#environment}. */
  public List<String> command(ProcessSet set) {
    List<String> cmd = new ArrayList<>();
    cmd.add(set.java());
    cmd.addAll(set.jvmOptions());
    // The distribution's class-data-sharing archive (./galley build makes it): half a start's CPU.
    // A JVM whose jars no longer match it checks that at start and runs without it.
    Path archive = set.distLib().toAbsolutePath().resolveSibling("galley.jsa");
    if (java.nio.file.Files.isRegularFile(archive)) {
      cmd.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    }
    cmd.add(MARKER + name);
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-cp");
    cmd.add(set.distLib().resolve("*").toString());
    cmd.add(kind == Kind.DB ? "org.galley.ops.DatabaseMain" : "org.galley.ops.Main");
    return cmd;
  }

  public Path log(ProcessSet set) {
    return set.logDir().resolve(name + ".log");
  }

  public String roles() {
    return switch (kind) {
      case DB -> "db";
      case WEB -> "web";
      case HANDLER -> "handler";
    };
  }

  /** {@code http://host:port} of its management endpoint, or null for the database. */
  public String managementUrl(ProcessSet set) {
    return kind == Kind.DB ? null : "http://" + set.host() + ":" + managementPort;
  }
}
