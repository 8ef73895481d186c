package org.galley.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The chaos run's processes: a {@code galley db}, two web nodes (the cluster's seeds) and three
 * handlers, each on fixed ports for the whole run so that it can be killed, frozen and started
 * again as the same member. Each (re)start logs to its own file ({@code h1.log}, {@code h1.2.log}).
 */
final class ChaosCluster implements AutoCloseable {
  static final String ADMIN_KEY = Deployment.ADMIN_KEY;
  static final List<String> WEBS = List.of("web0", "web1");
  static final List<String> HANDLERS = List.of("h1", "h2", "h3");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One node: its fixed command and ports, and the process of its current incarnation. */
  final class Node {
    final String name;
    final boolean web;
    final int httpPort;
    final int managementPort;
    final List<String> properties;
    NodeProcess process;
    int starts;
    boolean frozen;

    Node(String name, boolean web, int httpPort, int managementPort, List<String> properties) {
      this.name = name;
      this.web = web;
      this.httpPort = httpPort;
      this.managementPort = managementPort;
      this.properties = properties;
    }

    void start() throws IOException {
      starts++;
      process = NodeProcess.start(starts == 1 ? name : name + "." + starts, dist, jvmOptions, properties,
          "org.galley.ops.Main", logs);
    }

    boolean alive() {
      return ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    boolean ready() {
      try {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException | InterruptedException e) {
        return false;
      }
    }

    long pid() {
      return process.pid();
    }

    String url() {
      return "http://127.0.0.1:" + httpPort;
    }
  }

  private final Path dir;
  private final Path dist;
  private final Path logs;
  private final List<String> jvmOptions;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final int dbPort;
  private NodeProcess db;
  private int dbStarts;
  final Path toolsDir;
  final Path runsLog;

  private ChaosCluster(Path dir, Path dist, List<String> jvmOptions) throws IOException {
    this.dir = dir;
    this.dist = dist;
    this.logs = Files.createDirectories(dir.resolve("logs"));
    this.jvmOptions = jvmOptions;
    this.dbPort = freePort();
    this.toolsDir = Files.createDirectories(dir.resolve("tools"));
    this.runsLog = dir.resolve("runs.log");
    writeTool();
  }

  /** Starts everything and returns once every node is ready. */
  static ChaosCluster start(Path dir, Path dist, List<String> jvmOptions, List<String> nodeProperties, int workers)
      throws Exception {
    ChaosCluster c = new ChaosCluster(dir, dist, jvmOptions);
    try {
      c.startDatabase();
      int[] seeds = {freePort(), freePort()};
      String seedList = "127.0.0.1:" + seeds[0] + ",127.0.0.1:" + seeds[1];
      for (int i = 0; i < WEBS.size(); i++) {
        c.add(WEBS.get(i), true, seeds[i], seedList, workers, nodeProperties);
      }
      for (String h : HANDLERS) {
        c.add(h, false, freePort(), seedList, workers, nodeProperties);
      }
      for (Node n : c.nodes.values()) {
        n.start();
      }
      c.awaitReady(Duration.ofSeconds(240), false);
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  private void add(String name, boolean web, int clusterPort, String seeds, int workers, List<String> nodeProperties)
      throws IOException {
    int http = freePort();
    int management = freePort();
    List<String> props = new ArrayList<>(List.of(
        "-Dgalley.roles=" + (web ? "web" : "handler"),
        "-Dgalley.server-name=" + name,
        "-Dgalley.var-dir=" + dir.resolve("nodes").resolve(name),
        "-Dgalley.db.url=" + dbUrl(),
        "-Dgalley.db.pool-size=4",
        "-Dgalley.cluster.port=" + clusterPort,
        "-Dgalley.cluster.seed-nodes=" + seeds,
        "-Dgalley.management.port=" + management,
        "-Dgalley.http.port=" + http,
        "-Dgalley.admin-key=" + ADMIN_KEY,
        "-Dgalley.tools.dir=" + toolsDir,
        "-Dgalley.handler.workers=" + workers));
    props.addAll(nodeProperties);
    nodes.put(name, new Node(name, web, http, management, props));
  }

  Node node(String name) {
    return nodes.get(name);
  }

  List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  List<String> webUrls() {
    return WEBS.stream().map(w -> nodes.get(w).url()).toList();
  }

  String dbUrl() {
    return "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres";
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(dbUrl(), "postgres", "");
  }

  void startDatabase() throws IOException, InterruptedException {
    dbStarts++;
    db = NodeProcess.start(dbStarts == 1 ? "db" : "db." + dbStarts, dist, List.of("-XX:+UseSerialGC", "-Xmx256m"),
        List.of("-Dgalley.var-dir=" + dir.resolve("db"), "-Dgalley.db.embedded.port=" + dbPort),
        "org.galley.ops.DatabaseMain", logs);
    db.awaitLog(dbUrl(), Duration.ofSeconds(120));
  }

  /** SIGTERM to {@code galley db}: PostgreSQL's fast shutdown, every connection ends. */
  void stopDatabase() throws InterruptedException {
    db.close();
  }

  /** kill -9 of the node's JVM (its job processes are left to its orphan watchdog, as on a real crash). */
  void kill(Node n) throws InterruptedException {
    ProcessHandle.of(n.pid()).ifPresent(p -> {
      p.destroyForcibly();
      p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    });
    n.frozen = false;
  }

  /** SIGSTOP / SIGCONT of the node's JVM (its job processes go on: a JVM frozen by a long GC or a hung host). */
  void signal(Node n, String signal) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(n.pid())).redirectErrorStream(true).start();
    p.waitFor(10, TimeUnit.SECONDS);
    n.frozen = signal.equals("STOP");
  }

  /** SIGTERM (graceful: running jobs may finish, then it leaves), waits for the exit. */
  void stop(Node n) throws InterruptedException {
    n.process.close();
  }

  /** Starts every node that is not running (killed, stopped, or exited by itself after it was removed). */
  List<String> restartDead() throws IOException {
    List<String> restarted = new ArrayList<>();
    for (Node n : nodes.values()) {
      if (!n.frozen && !n.alive()) {
        n.start();
        restarted.add(n.name);
      }
    }
    return restarted;
  }

  /** Waits until every node is ready, starting again any that exited meanwhile. */
  void awaitAllReady(Duration timeout) throws Exception {
    awaitReady(timeout, true);
  }

  private void awaitReady(Duration timeout, boolean restartExited) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Node n : nodes.values()) {
      while (!n.ready()) {
        if (System.nanoTime() > deadline) {
          throw new IOException(n.name + " not ready within " + timeout + ":\n" + n.process.logTail());
        }
        if (!n.alive() && !n.frozen) {
          if (!restartExited) {
            throw new IOException(n.name + " exited at its first start:\n" + n.process.logTail());
          }
          n.start(); // it exited (say, removed from the cluster while frozen, then shut down)
        }
        TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
      }
    }
  }

  /**
   * {@code chaos_job}: records "start|tick|end TAG PID SECONDS.MICROS" lines in runs.log (bash's
   * clock, no fork per line), ticking every 0.15 s for {@code ticks} ticks, so the run can tell whether two
   * attempts of one job ever ran at the same time. The shell text is constant; tag and ticks are
   * positional arguments.
   */
  private void writeTool() throws IOException {
    String script = "f=\\\"$1\\\"; t=\\\"$2\\\"; echo \\\"start $t $$ $EPOCHREALTIME\\\" >> \\\"$f\\\"; "
        + "for ((i = 0; i < $3; i++)); do sleep 0.15; echo \\\"tick $t $$ $EPOCHREALTIME\\\" >> \\\"$f\\\"; done; "
        + "echo \\\"end $t $$ $EPOCHREALTIME\\\" >> \\\"$f\\\"";
    Files.writeString(toolsDir.resolve("chaos-tools.conf"), "tools = [\n"
        + "  { id = chaos_job, version = \"1\", argv = [\"bash\", \"-c\", \"" + script + "\", \"chaos\", \"" + runsLog
        + "\", \"${tag}\", \"${ticks}\"], parameters = [ { name = tag, type = text, required = true, pattern = \"[a-z0-9-]{1,60}\" },"
        + " { name = ticks, type = integer, min = 0, max = 1000, default = 3 } ] }\n"
        + "]\n");
  }

  /** A port free now, below Linux's ephemeral range, so that no client connection takes it between restarts. */
  private static int freePort() throws IOException {
    for (int i = 0; i < 1000; i++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port between 20000 and 32000");
  }

  @Override
  public void close() throws InterruptedException {
    for (Node n : nodes.values()) {
      if (n.process != null) {
        if (n.frozen) {
          try {
            signal(n, "CONT");
          } catch (IOException e) {
            // killed below anyway
          }
        }
        kill(n);
      }
    }
    if (db != null) {
      db.close();
    }
  }
}
