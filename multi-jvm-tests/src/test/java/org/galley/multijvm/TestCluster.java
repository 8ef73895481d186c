package org.galley.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of real Galley processes on one machine: a shared {@code galley db}, web nodes and
 * handlers with their own state directories, joined through the first web node as seed. Adds a
 * test tool, {@code stamp}, that records every run of an attempt (its pid, start, ticks, end)
 * in a shared folder, so tests can see when attempts of one job overlapped.
 */
public final class TestCluster implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key-0123456789";

  private final Path dir;
  private final ClusterDatabase db;
  private final int seedPort;
  /** The first handler is a second seed, so a restarted first web node joins the cluster instead of founding another. */
  private final int secondSeedPort;
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
  private final Map<String, Integer> managementPorts = new LinkedHashMap<>();
  private final Map<String, Integer> clusterPorts = new LinkedHashMap<>();
  /** Commands the java command of a node is run through, by node name (see {@link #runInGroup}). */
  private final Map<String, List<String>> prefixes = new LinkedHashMap<>();
  private boolean secondSeedUsed;
  private final Path stamps;
  private final Path toolsDir;

  private TestCluster(Path dir, ClusterDatabase db, int seedPort) throws IOException {
    this.dir = dir;
    this.db = db;
    this.seedPort = seedPort;
    this.secondSeedPort = NodeProcess.freePort();
    this.stamps = Files.createDirectories(dir.resolve("stamps"));
    this.toolsDir = Files.createDirectories(dir.resolve("tools"));
    writeTestTools();
  }

  public static TestCluster create(String name) throws Exception {
    Path dir = Path.of("target", "clusters", name + "-" + System.currentTimeMillis()).toAbsolutePath();
    ClusterDatabase db = ClusterDatabase.fresh(dir.resolve("db"));
    return new TestCluster(dir, db, NodeProcess.freePort());
  }

  /** Starts a test's database in the directory given. */
  public interface DatabaseStart {
    ClusterDatabase start(Path dir) throws Exception;
  }

  /** A cluster on a database the test started itself (and may stop and restart); closed with the cluster. */
  public static TestCluster create(String name, DatabaseStart database) throws Exception {
    Path dir = Path.of("target", "clusters", name + "-" + System.currentTimeMillis()).toAbsolutePath();
    return new TestCluster(dir, database.start(dir.resolve("db")), NodeProcess.freePort());
  }

  /**
   * Starts a web node; the first one is the cluster's seed. Returns its API client once it answers.
   * {@code extra}: further properties, as name, value, name, value ...
   */
  public ApiClient startWeb(String name, String... extra) throws Exception {
    int http = NodeProcess.freePort();
    Map<String, String> props = common(name, nodes.isEmpty() ? seedPort : NodeProcess.freePort());
    props.put("galley.roles", "web");
    props.put("galley.http.port", Integer.toString(http));
    for (int i = 0; i + 1 < extra.length; i += 2) {
      props.put(extra[i], extra[i + 1]);
    }
    NodeProcess node = NodeProcess.start(name, dir.resolve("logs"), props);
    nodes.put(name, node);
    httpPorts.put(name, http);
    node.awaitHttp("http://127.0.0.1:" + http + "/api/version", Duration.ofSeconds(120));
    // Answering HTTP is not being a member: /ready also waits until it is Up (a test that kills the
    // other web node while this one is still joining would see the Split Brain Resolver down it).
    awaitReady(name);
    return api(name);
  }

  /** Starts a handler of the given pools with {@code workers} slots; returns once it is ready. */
  public NodeProcess startHandler(String name, String pools, int workers, String... extra) throws Exception {
    NodeProcess node = launchHandler(name, pools, workers, extra);
    awaitReady(name);
    return node;
  }

  /** Starts several handlers side by side (cheaper in wall time than one after another); returns once all are ready. */
  public void startHandlers(List<String> names, String pools, int workers) throws Exception {
    for (String name : names) {
      launchHandler(name, pools, workers);
    }
    for (String name : names) {
      awaitReady(name);
    }
  }

  /** Restarts several stopped nodes side by side; returns once all are ready. */
  public void restartAll(List<String> names) throws Exception {
    for (String name : names) {
      nodes.get(name).restart();
    }
    for (String name : names) {
      awaitReady(name);
    }
  }

  /**
   * The node of that name, started later, runs with group id {@code gid} (through setpriv(1), as
   * root): its sockets can then be told apart by a packet filter ({@link Partition}).
   */
  public void runInGroup(String name, int gid) {
    prefixes.put(name, List.of("setpriv", "--regid=" + gid, "--clear-groups", "--"));
  }

  /** The first seed node's address, host:port: the first web node's. */
  public String firstSeed() {
    return "127.0.0.1:" + seedPort;
  }

  /** The cluster (Artery) port of a node. */
  public int clusterPort(String name) {
    return clusterPorts.get(name);
  }

  /** Names of the nodes started so far. */
  public java.util.Set<String> nodeNames() {
    return nodes.keySet();
  }

  private NodeProcess launchHandler(String name, String pools, int workers, String... extra) throws Exception {
    boolean firstHandler = !secondSeedUsed;
    secondSeedUsed = true;
    Map<String, String> props = common(name, firstHandler ? secondSeedPort : NodeProcess.freePort());
    props.put("galley.roles", "handler");
    props.put("galley.pools", pools);
    props.put("galley.handler.workers", Integer.toString(workers));
    for (int i = 0; i + 1 < extra.length; i += 2) {
      props.put(extra[i], extra[i + 1]);
    }
    NodeProcess node = NodeProcess.start(name, dir.resolve("logs"), props, prefixes.getOrDefault(name, List.of()));
    nodes.put(name, node);
    return node;
  }

  /**
   * Starts a handler whose job directories no other node can see, as on a machine of its own: it
   * runs in a mount namespace of its own ({@code unshare}, root only) with a private tmpfs over its
   * jobs directory, so the same path shows an empty folder to every other process.
   */
  public NodeProcess startHandlerWithOwnFiles(String name, String pools, int workers) throws Exception {
    Path jobsDir = Files.createDirectories(dir.resolve("nodes").resolve(name).resolve("private-jobs"));
    Map<String, String> props = common(name, secondSeedUsed ? NodeProcess.freePort() : secondSeedPort);
    secondSeedUsed = true;
    props.put("galley.roles", "handler");
    props.put("galley.pools", pools);
    props.put("galley.handler.workers", Integer.toString(workers));
    props.put("galley.handler.jobs-dir", jobsDir.toString());
    List<String> prefix = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
        "mount -t tmpfs galley-private \"$0\" && exec \"$@\"", jobsDir.toString());
    NodeProcess node = NodeProcess.start(name, dir.resolve("logs"), props, prefix);
    nodes.put(name, node);
    awaitReady(name);
    return node;
  }

  /** Waits for the node's management {@code /ready}. */
  public void awaitReady(String name) throws Exception {
    nodes.get(name).awaitHttp("http://127.0.0.1:" + managementPorts.get(name) + "/ready", Duration.ofSeconds(120));
  }

  /** Adds a tool file every node started from now on reads ({@code galley.tools.dir}). */
  public void addTools(String fileName, String text) throws IOException {
    Files.writeString(toolsDir.resolve(fileName), text);
  }

  /** The database of the cluster's nodes. */
  public ClusterDatabase database() {
    return db;
  }

  /** The directory of this cluster's files. */
  public Path directory() {
    return dir;
  }

  public NodeProcess node(String name) {
    return nodes.get(name);
  }

  public ApiClient api(String webNode) {
    return new ApiClient("http://127.0.0.1:" + httpPorts.get(webNode), ADMIN_KEY);
  }

  public String managementUrl(String name) {
    return "http://127.0.0.1:" + managementPorts.get(name);
  }

  /** Runs of the {@code stamp} tool for one tag: pid → timestamps (ns) of its start, ticks and end. */
  public Map<String, List<Long>> runsOf(String tag) throws IOException {
    Map<String, List<Long>> runs = new LinkedHashMap<>();
    Path f = stamps.resolve(tag + ".log");
    if (!Files.exists(f)) {
      return runs;
    }
    for (String line : Files.readAllLines(f)) {
      String[] p = line.trim().split(" ");
      if (p.length == 3) {
        runs.computeIfAbsent(p[1], k -> new ArrayList<>()).add(Long.parseLong(p[2]));
      }
    }
    return runs;
  }

  /** Ids of the jobs with the given states, newest first, through the paged list API. */
  public static List<Long> jobIds(ApiClient api, String states) throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int offset = 0; ; offset += 500) {
      ApiClient.Reply r = api.get("/api/jobs?limit=500&offset=" + offset + (states.isEmpty() ? "" : "&state=" + states));
      if (r.status() != 200) {
        throw new AssertionError("list answered " + r.status() + ": " + r.body());
      }
      r.json().forEach(j -> ids.add(j.get("id").asLong()));
      if (r.json().size() < 500) {
        return ids;
      }
    }
  }

  /** Whether any two runs of the tag overlapped in time (each run spans its first to last record). */
  public boolean runsOverlap(String tag) throws IOException {
    List<long[]> spans = new ArrayList<>();
    for (List<Long> times : runsOf(tag).values()) {
      spans.add(new long[] {times.get(0), times.get(times.size() - 1)});
    }
    spans.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < spans.size(); i++) {
      if (spans.get(i)[0] <= spans.get(i - 1)[1]) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> common(String name, int clusterPort) {
    int management = managementPort(name);
    Map<String, String> p = new LinkedHashMap<>();
    p.put("galley.server-name", name);
    p.put("galley.var-dir", dir.resolve("nodes").resolve(name).toString());
    p.putAll(db.nodeProperties());
    p.put("galley.db.pool-size", "4");
    p.put("galley.cluster.port", Integer.toString(clusterPort));
    clusterPorts.put(name, clusterPort);
    p.put("galley.cluster.seed-nodes", "127.0.0.1:" + seedPort + ",127.0.0.1:" + secondSeedPort);
    p.put("galley.management.port", Integer.toString(management));
    p.put("galley.admin-key", ADMIN_KEY);
    p.put("galley.tools.dir", toolsDir.toString());
    return p;
  }

  private int managementPort(String name) {
    return managementPorts.computeIfAbsent(name, n -> {
      try {
        return NodeProcess.freePort();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /**
   * {@code stamp}: records "start|tick|end PID NANOS" lines in stamps/TAG.log, ticking every
   * 50 ms for {@code ticks} ticks. {@code stamp_special} and {@code stamp_late} are the same tool
   * mapped to pools special and late ({@code stamp_cut}: pool cut); {@code stamp_h2} is mapped to the handler named h2.
   * The shell text is constant; tag and ticks are positional arguments.
   */
  private void writeTestTools() throws IOException {
    String script = "f=\\\"$1/$2.log\\\"; echo \\\"start $$ $(date +%s%N)\\\" >> \\\"$f\\\"; i=0; "
        + "while [ $i -lt $3 ]; do sleep 0.05; echo \\\"tick $$ $(date +%s%N)\\\" >> \\\"$f\\\"; i=$((i+1)); done; "
        + "echo \\\"end $$ $(date +%s%N)\\\" >> \\\"$f\\\"";
    String params = "parameters = [ { name = tag, type = text, required = true, pattern = \"[a-z0-9-]{1,40}\" },"
        + " { name = ticks, type = integer, min = 0, max = 10000, default = 0 } ]";
    String argv = "argv = [\"sh\", \"-c\", \"" + script + "\", \"stamp\", \"" + stamps + "\", \"${tag}\", \"${ticks}\"]";
    Files.writeString(toolsDir.resolve("test-tools.conf"), "tools = [\n"
        + "  { id = stamp, version = \"1\", " + argv + ", " + params + " }\n"
        + "  { id = stamp_special, version = \"1\", pool = special, " + argv + ", " + params + " }\n"
        + "  { id = stamp_late, version = \"1\", pool = late, " + argv + ", " + params + " }\n"
        + "  { id = stamp_h2, version = \"1\", handler = h2, " + argv + ", " + params + " }\n"
        + "  { id = stamp_cut, version = \"1\", pool = cut, " + argv + ", " + params + " }\n"
        + "]\n");
  }

  @Override
  public void close() throws Exception {
    // kill -9: quick, and these nodes own nothing that outlives them (the database is db's).
    for (NodeProcess n : nodes.values()) {
      if (n.isAlive()) {
        n.kill();
      }
    }
    db.close();
  }
}
