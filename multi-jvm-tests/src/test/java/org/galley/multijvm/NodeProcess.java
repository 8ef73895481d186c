package org.galley.multijvm;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Galley node as a real JVM process started from the built distribution, its output in a
 * log file. Tests start, kill -9, stop (SIGTERM) and restart these.
 */
public final class NodeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;

  private NodeProcess(String name, List<String> command, Path log) {
    this.name = name;
    this.command = command;
    this.log = log;
  }

  /** Starts {@code org.galley.ops.Main} with the given {@code galley.*} system properties. */
  public static NodeProcess start(String name, Path logDir, Map<String, String> properties) throws IOException {
    return start(name, logDir, properties, List.of());
  }

  /** As above, the JVM's command line after {@code prefix} (say, {@code unshare} and its arguments). */
  public static NodeProcess start(String name, Path logDir, Map<String, String> properties, List<String> prefix)
      throws IOException {
    String dist = System.getProperty("galley.dist");
    if (dist == null || !Files.isDirectory(Path.of(dist))) {
      throw new IllegalStateException("galley.dist must name the built distribution's lib folder, got " + dist);
    }
    // The real path: the archive holds the class path it was made with, and checks it at each start.
    Path lib = Path.of(dist).toRealPath();
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(CdsArchive.options(lib));
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-cp");
    cmd.add(lib + "/*");
    cmd.add("org.galley.ops.Main");
    Files.createDirectories(logDir);
    NodeProcess node = new NodeProcess(name, List.copyOf(cmd), logDir.resolve(name + ".log"));
    node.launch();
    return node;
  }

  private void launch() throws IOException {
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Starts the same command again (after a kill or stop). */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    launch();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** kill -9: no shutdown hook, no goodbye to the cluster. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends a signal by name (STOP, CONT) with kill(1). */
  public void signal(String name) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).inheritIO().start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new AssertionError("kill -s " + name + " " + process.pid() + " failed");
    }
  }

  /** Waits for the process to exit by itself; its exit code, or fails with the log's tail. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout + ":\n" + logTail());
    }
    return process.exitValue();
  }

  /** SIGTERM, as Ctrl-C or systemd would; waits for the exit code. */
  public int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not stop within " + timeout + "; log: " + log);
    }
    return process.exitValue();
  }

  /** Waits until GET url answers 200, or fails with the tail of the log. */
  public void awaitHttp(String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
      }
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.onSpinWait();
      TimeUnit.MILLISECONDS.sleep(50); // poll interval of a deadline-bounded wait, not a fixed sleep
    }
    throw new AssertionError(name + " did not answer " + url + " within " + timeout + ":\n" + logTail());
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public Path log() {
    return log;
  }

  /**
   * A port free now, below Linux's ephemeral range (32768 and up): a port the kernel hands out
   * for "any free port" may meanwhile become the local end of some client connection of the busy
   * test cluster, and the process meant to listen on it then fails to bind.
   */
  public static int freePort() throws IOException {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 1000; i++) {
      int port = random.nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port between 20000 and 32000");
  }

  /**
   * SIGTERM first, so that a node stops what it started (an all-in-one node's embedded PostgreSQL
   * would outlive a kill -9 until the next start on its state); kill -9 if it is not gone in 20 s.
   */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
