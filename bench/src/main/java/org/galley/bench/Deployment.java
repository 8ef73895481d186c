package org.galley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Galley processes for one scenario, on fresh state under its own directory: a {@code galley db}
 * (the embedded PostgreSQL in a process of its own, so the bench reads the job table over JDBC),
 * and either one all-in-one node or a web node and handler nodes in separate JVMs, joined as a
 * cluster. Stopped (SIGTERM) in reverse order on close.
 */
final class Deployment implements AutoCloseable {
  static final String ADMIN_KEY = "bench-admin-key-0123456789";

  private final BenchSettings settings;
  private final Path dir;
  private final List<NodeProcess> processes = new ArrayList<>();
  private final List<NodeProcess> nodes = new ArrayList<>();
  private String dbUrl;
  private NodeProcess web;
  private NodeProcess handler;
  private int httpPort;

  private Deployment(BenchSettings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
  }

  /** One node with both roles. */
  static Deployment allInOne(BenchSettings settings, String name) throws IOException, InterruptedException {
    Deployment d = new Deployment(settings, settings.runDir().resolve(name));
    try {
      d.startDatabase();
      d.web = d.startNode("all-in-one", "web,handler", NodeProcess.freePort());
      d.handler = d.web;
      return d;
    } catch (IOException | InterruptedException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /** The database alone (the floors run against it without any node). */
  static Deployment databaseOnly(BenchSettings settings, String name) throws IOException, InterruptedException {
    Deployment d = new Deployment(settings, settings.runDir().resolve(name));
    try {
      d.startDatabase();
      return d;
    } catch (IOException | InterruptedException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /** A web node (the cluster's seed) and a handler node, each in its own JVM. */
  static Deployment split(BenchSettings settings, String name) throws IOException, InterruptedException {
    return cluster(settings, name, 1);
  }

  /**
   * A web node (the cluster's seed) and {@code handlers} handler nodes, each in its own JVM. Once
   * the web node is ready the handlers start one per two cores at a time: a dozen
   * JVMs starting at once on two cores starve each other's heartbeats long enough to be downed.
   * {@link #handler()} is the first.
   */
  static Deployment cluster(BenchSettings settings, String name, int handlers) throws IOException, InterruptedException {
    Deployment d = new Deployment(settings, settings.runDir().resolve(name));
    try {
      d.startDatabase();
      int seed = NodeProcess.freePort();
      d.web = d.startNode("web", "web", seed);
      int wave = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
      for (int i = 0; i < handlers; i += wave) {
        List<Ready> ready = new ArrayList<>();
        for (int j = i; j < Math.min(handlers, i + wave); j++) {
          ready.add(d.launchNode(handlers == 1 ? "handler" : "handler" + j, "handler", seed));
        }
        for (Ready r : ready) {
          r.await();
        }
      }
      d.handler = d.nodes.get(1);
      return d;
    } catch (IOException | InterruptedException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  private void startDatabase() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = NodeProcess.freePort();
    NodeProcess db = NodeProcess.start("db", settings.dist(), List.of("-XX:+UseSerialGC", "-Xmx256m"),
        List.of("-Dgalley.var-dir=" + dir.resolve("db"), "-Dgalley.db.embedded.port=" + port),
        "org.galley.ops.DatabaseMain", dir);
    processes.add(db);
    dbUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    db.awaitLog(dbUrl, Duration.ofSeconds(300)); // initdb on a busy shared machine takes minutes
  }

  private NodeProcess startNode(String name, String roles, int seedPort) throws IOException, InterruptedException {
    launchNode(name, roles, seedPort).await();
    return nodes.get(nodes.size() - 1);
  }

  /** The wait for a started node to be ready. */
  private interface Ready {
    void await() throws IOException, InterruptedException;
  }

  /** Starts a node's JVM and returns the wait for its readiness (its API too when it has the web role). */
  private Ready launchNode(String name, String roles, int seedPort) throws IOException {
    boolean seed = processes.size() == 1;
    int clusterPort = seed ? seedPort : NodeProcess.freePort();
    int management = NodeProcess.freePort();
    int http = NodeProcess.freePort();
    List<String> props = new ArrayList<>(List.of(
        "-Dgalley.roles=" + roles,
        "-Dgalley.server-name=" + name,
        "-Dgalley.var-dir=" + dir.resolve(name),
        "-Dgalley.db.url=" + dbUrl,
        "-Dgalley.cluster.port=" + clusterPort,
        "-Dgalley.cluster.seed-nodes=127.0.0.1:" + seedPort,
        "-Dgalley.management.port=" + management,
        "-Dgalley.http.port=" + http,
        "-Dgalley.admin-key=" + ADMIN_KEY,
        "-Dgalley.handler.workers=" + settings.workers()));
    props.addAll(settings.nodeProperties());
    List<String> jvm = new ArrayList<>(settings.nodeJvmOptions());
    jvm.addAll(settings.cdsOptions());
    NodeProcess node = NodeProcess.start(name, settings.dist(), jvm, props,
        "org.galley.ops.Main", dir);
    processes.add(node);
    nodes.add(node);
    boolean web = roles.contains("web");
    if (web) {
      httpPort = http;
    }
    return () -> {
      if (web) {
        node.awaitHttp("http://127.0.0.1:" + http + "/api/version", Duration.ofSeconds(120));
      }
      node.awaitHttp("http://127.0.0.1:" + management + "/ready", Duration.ofSeconds(120));
    };
  }

  Api api() {
    return new Api(httpPort, ADMIN_KEY);
  }

  String dbUrl() {
    return dbUrl;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(dbUrl, "postgres", "");
  }

  NodeProcess web() {
    return web;
  }

  NodeProcess handler() {
    return handler;
  }

  /** Every Galley node (not the database), web node first. */
  List<NodeProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** Resident memory of every Galley node (not the database), the largest, in MiB. */
  double maxNodeRssMb() {
    return nodes.stream().mapToDouble(n -> ProcStats.rssMb(n.pid())).max().orElse(Double.NaN);
  }

  /** Resident memory of every Galley node (not the database), summed, in MiB. */
  double sumNodeRssMb() {
    return nodes.stream().mapToDouble(n -> ProcStats.rssMb(n.pid())).sum();
  }

  /**
   * CPU time so far of the bench and everything it started (they are its descendants): database
   * with its PostgreSQL processes, nodes with their job processes, the HTTP client; clock ticks.
   */
  static long cpuTicks() {
    return ProcStats.treeCpuTicks(ProcessHandle.current().pid());
  }

  @Override
  public void close() throws InterruptedException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }
}
