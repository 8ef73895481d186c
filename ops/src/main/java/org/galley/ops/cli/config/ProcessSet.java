package org.galley.ops.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.galley.ops.cli.config.ProcessSpec.Kind;

/**
 * A parsed {@code galley.conf}: where state and logs go, how nodes are started, and the processes
 * in start order (database, web nodes, handlers). Made from {@link ConfigSchema}'s defaults.
 */
public record ProcessSet(Path configFile, boolean configExists, Config config, Path stateDir, Path logDir,
    String java, List<String> jvmOptions, List<String> supervisorJvmOptions, Path distLib, String host,
    String publicUrl, List<ProcessSpec> processes, Duration readyTimeout, Duration stopTimeout,
    Duration drainTimeout, Duration backoffMin, Duration backoffMax) {

  /** Reads the file (missing: every default) and checks it; an error names the option. */
  public static ProcessSet load(Path configFile) {
    Path file = configFile.toAbsolutePath().normalize();
    boolean exists = Files.exists(file);
    Config user = exists
        ? ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
        : ConfigFactory.empty();
    if (!user.hasPath("handlers")) {
      user = user.withFallback(ConfigFactory.parseString(ConfigSchema.DEFAULT_HANDLERS));
    }
    Config c = user.withFallback(ConfigSchema.defaults()).resolve();
    Path base = file.getParent();
    Path stateDir = base.resolve(c.getString("state-dir")).normalize();
    Path logDir = c.getString("log-dir").isBlank() ? stateDir.resolve("logs") : base.resolve(c.getString("log-dir"));
    String java = c.getString("java").isBlank()
        ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : c.getString("java");
    String host = c.getString("host");
    List<ProcessSpec> processes = processes(c, stateDir, host);
    String publicHost = c.getString("web.http-host").equals("0.0.0.0") ? "127.0.0.1" : c.getString("web.http-host");
    String apiUrl = c.getString("api-url").isBlank()
        ? "http://" + publicHost + ":" + c.getInt("web.http-port") : c.getString("api-url").replaceAll("/+$", "");
    return new ProcessSet(file, exists, c, stateDir, logDir, java, c.getStringList("jvm-options"),
        c.getStringList("supervisor-jvm-options"),
        c.getString("dist").isBlank() ? currentDistLib() : base.resolve(c.getString("dist")).normalize(), host,
        apiUrl, processes,
        c.getDuration("timeouts.ready"), c.getDuration("timeouts.stop"), c.getDuration("timeouts.drain"),
        c.getDuration("restart.backoff-min"), c.getDuration("restart.backoff-max"));
  }

  private static List<ProcessSpec> processes(Config c, Path stateDir, String host) {
    List<ProcessSpec> out = new ArrayList<>();
    String dbUrl = c.getString("database.url");
    if (dbUrl.isBlank()) {
      int port = c.getInt("database.embedded-port");
      dbUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
      Map<String, String> p = new LinkedHashMap<>();
      p.put("galley.var-dir", stateDir.resolve("db").toString());
      p.put("galley.db.embedded.port", Integer.toString(port));
      out.add(new ProcessSpec("db", Kind.DB, "db", List.of(), 0, port, 0, p));
    }
    int webCount = c.getInt("web.processes");
    if (webCount < 0) {
      throw new IllegalArgumentException("web.processes: 0 or more, got " + webCount);
    }
    if (webCount == 0 && c.getStringList("seed-nodes").isEmpty()) {
      throw new IllegalArgumentException("web.processes = 0: list the cluster's seed-nodes (the web nodes elsewhere)");
    }
    boolean reuse = c.getBoolean("web.reuse-port");
    List<String> seeds = new ArrayList<>(c.getStringList("seed-nodes"));
    boolean deriveSeeds = seeds.isEmpty();
    for (int i = 0; i < webCount && deriveSeeds; i++) {
      seeds.add(host + ":" + (c.getInt("web.cluster-port") + i));
    }
    List<String[]> handlers = new ArrayList<>(); // group, index
    Config groups = c.getConfig("handlers");
    for (String group : groupNames(c)) {
      Config g = groups.getConfig(quoted(group)).withFallback(ConfigSchema.groupDefaults());
      for (int i = 0; i < g.getInt("processes"); i++) {
        handlers.add(new String[] {group, Integer.toString(i)});
      }
    }
    if (deriveSeeds && webCount == 1 && !handlers.isEmpty()) {
      seeds.add(host + ":" + c.getInt("handler-ports.cluster"));
    }
    String seedList = String.join(",", seeds);
    for (int i = 0; i < webCount; i++) {
      String name = c.getString("web.name-template").replace("{process}", Integer.toString(i));
      int http = c.getInt("web.http-port") + (reuse ? 0 : i);
      Map<String, String> p = common(c, stateDir, host, dbUrl, seedList, name, "web");
      p.put("galley.http.host", c.getString("web.http-host"));
      p.put("galley.http.port", Integer.toString(http));
      p.put("galley.http.reuse-port", Boolean.toString(reuse));
      out.add(node(name, Kind.WEB, "web", List.of(), http, c.getInt("web.cluster-port") + i,
          c.getInt("web.management-port") + i, p, c.getConfig("properties")));
    }
    for (int k = 0; k < handlers.size(); k++) {
      String group = handlers.get(k)[0];
      String index = handlers.get(k)[1];
      Config g = groups.getConfig(quoted(group)).withFallback(ConfigSchema.groupDefaults());
      String name = g.getString("name-template").replace("{name}", group).replace("{process}", index);
      List<String> pools = g.getStringList("pools");
      Map<String, String> p = common(c, stateDir, host, dbUrl, seedList, name, "handler");
      p.put("galley.pools", String.join(",", pools));
      if (g.getInt("workers") > 0) {
        p.put("galley.handler.workers", Integer.toString(g.getInt("workers")));
      }
      properties(g.getConfig("properties"), p);
      out.add(node(name, Kind.HANDLER, group, pools, 0, c.getInt("handler-ports.cluster") + k,
          c.getInt("handler-ports.management") + k, p, c.getConfig("properties")));
    }
    TreeSet<String> names = new TreeSet<>();
    for (ProcessSpec s : out) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("two processes are named " + s.name() + ": check the name templates");
      }
      if (!s.name().matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException("process name '" + s.name() + "': letters, digits, _ . - only");
      }
    }
    return List.copyOf(out);
  }

  private static ProcessSpec node(String name, Kind kind, String group, List<String> pools, int http, int cluster,
      int management, Map<String, String> p, Config extra) {
    p.put("galley.cluster.port", Integer.toString(cluster));
    p.put("galley.management.port", Integer.toString(management));
    Map<String, String> all = new LinkedHashMap<>();
    properties(extra, all);
    all.putAll(p); // what the CLI derives wins: ports and names must match what it waits on
    return new ProcessSpec(name, kind, group, pools, http, cluster, management, all);
  }

  private static Map<String, String> common(Config c, Path stateDir, String host, String dbUrl, String seeds,
      String name, String roles) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("galley.server-name", name);
    p.put("galley.roles", roles);
    p.put("galley.var-dir", stateDir.resolve("nodes").resolve(name).toString());
    p.put("galley.db.url", dbUrl);
    p.put("galley.cluster.host", host);
    p.put("galley.cluster.seed-nodes", seeds);
    p.put("galley.management.host", host);
    return p;
  }

  private static void properties(Config props, Map<String, String> into) {
    props.entrySet().forEach(e -> into.put(ConfigUtil.splitPath(e.getKey()).stream()
        .reduce((a, b) -> a + "." + b).orElseThrow(), e.getValue().unwrapped().toString()));
  }

  static List<String> groupNames(Config c) {
    return new ArrayList<>(new TreeSet<>(c.getObject("handlers").keySet()));
  }

  static String quoted(String key) {
    return ConfigUtil.joinPath(key);
  }

  /** The lib folder of the distribution this CLI runs from (the folder of galley-ops.jar). */
  static Path currentDistLib() {
    try {
      Path jar = Path.of(ProcessSet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isDirectory(jar) ? jar : jar.getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public ProcessSpec process(String name) {
    return processes.stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no process named '" + name + "' in " + configFile
            + "; there are " + processes.stream().map(ProcessSpec::name).toList()));
  }

  public Path runDir() {
    return stateDir.resolve("run");
  }

  /** The admin key: the configured one, or the one in STATE-DIR/admin.key, generated once. */
  public String adminKey() throws IOException {
    String configured = config.getString("admin-key");
    if (!configured.isBlank()) {
      return configured;
    }
    Path file = stateDir.resolve("admin.key");
    if (!Files.exists(file)) {
      Files.createDirectories(stateDir);
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      Path tmp = Files.createTempFile(stateDir, "admin.key.", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, HexFormat.of().formatHex(bytes) + "\n", StandardCharsets.UTF_8);
      try {
        Files.createLink(file, tmp);
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another CLI made it first: use theirs
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  /**
   * Environment of a node process: the admin key, out of sight of ps, and during a rotation
   * ({@code galley admin-key}) the previous one, which the nodes accept too.
   */
  public Map<String, String> environment() throws IOException {
    if (hasPreviousAdminKey()) {
      return Map.of("GALLEY_ADMIN_KEY", adminKey(), "GALLEY_ADMIN_KEY_PREVIOUS",
          Files.readString(previousAdminKeyFile(), StandardCharsets.UTF_8).trim());
    }
    return Map.of("GALLEY_ADMIN_KEY", adminKey());
  }

  /** {@code timeouts.web-settle}: the pause between web nodes in a graceful restart. */
  public java.time.Duration webSettle() {
    return config.getDuration("timeouts.web-settle");
  }

  public boolean configuredAdminKey() {
    return !config.getString("admin-key").isBlank();
  }

  public Path adminKeyFile() {
    return stateDir.resolve("admin.key");
  }

  public Path previousAdminKeyFile() {
    return stateDir.resolve("admin.key.previous");
  }

  public boolean hasPreviousAdminKey() {
    return !configuredAdminKey() && Files.exists(previousAdminKeyFile());
  }

  /** Keeps the current key as the previous one and puts a new one in its place (each file written whole, mode 600). */
  public void rotateAdminKey() throws IOException {
    String old = adminKey();
    writeOwnerOnly(previousAdminKeyFile(), old);
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    writeOwnerOnly(adminKeyFile(), HexFormat.of().formatHex(bytes));
  }

  public void dropPreviousAdminKey() throws IOException {
    Files.deleteIfExists(previousAdminKeyFile());
  }

  private void writeOwnerOnly(Path file, String key) throws IOException {
    Files.createDirectories(stateDir);
    Path tmp = Files.createTempFile(stateDir, file.getFileName() + ".", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
