package org.galley.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code galley db} as a real process: the embedded PostgreSQL every node of a test cluster shares. */
public final class DatabaseProcess implements ClusterDatabase {
  private final Path dir;
  private final int port;
  private final String urlHost;
  private Process process;
  private final String url;
  private final Path log;

  private DatabaseProcess(Path dir, int port, String urlHost, Process process, Path log) {
    this.dir = dir;
    this.port = port;
    this.urlHost = urlHost;
    this.process = process;
    this.url = "jdbc:postgresql://" + urlHost + ":" + port + "/postgres";
    this.log = log;
  }

  /** Starts {@code galley db}; a start that fails (say, its port was taken meanwhile) is tried again on another port. */
  public static DatabaseProcess start(Path dir) throws Exception {
    return start(dir, "127.0.0.1", "");
  }

  /**
   * Starts {@code galley db}, named in its URL by {@code urlHost} (a name in /etc/hosts, say) and
   * listening also on {@code alsoListen} (besides 127.0.0.1).
   */
  public static DatabaseProcess start(Path dir, String urlHost, String alsoListen) throws Exception {
    AssertionError failed = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        int port = NodeProcess.freePort();
        Path log = dir.resolve("db.log");
        return new DatabaseProcess(dir, port, urlHost, launch(dir, port, alsoListen, log), log);
      } catch (AssertionError e) {
        failed = e;
      }
    }
    throw failed;
  }

  private static Process launch(Path dir, int port, String alsoListen, Path log) throws Exception {
    Files.createDirectories(dir);
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    Process p = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC", "-Xmx256m",
            "-Dgalley.var-dir=" + dir.resolve("var"),
            "-Dgalley.db.embedded.port=" + port,
            "-Dgalley.db.embedded.also-listen=" + alsoListen,
            "-cp", System.getProperty("galley.dist") + "/*",
            "org.galley.ops.DatabaseMain"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    String printed = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("galley db exited: " + Files.readString(log));
      }
      if (Files.exists(log) && Files.readString(log).substring((int) logStart).contains(printed)) {
        return p;
      }
      TimeUnit.MILLISECONDS.sleep(20); // poll interval of a deadline-bounded wait
    }
    p.destroyForcibly();
    throw new AssertionError("galley db did not print its URL: " + Files.readString(log));
  }

  /** Stops the server (SIGTERM: PostgreSQL's fast shutdown ends every connection) and waits until it is gone. */
  public void stop() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts the stopped server again on its data and port; returns once it accepts connections. */
  public void restart(String alsoListen) throws Exception {
    if (process.isAlive()) {
      throw new IllegalStateException("galley db is still running");
    }
    process = launch(dir, port, alsoListen, log);
  }

  public String urlHost() {
    return urlHost;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public String user() {
    return "postgres";
  }

  @Override
  public String password() {
    return "";
  }

  /** The test's own connections go to 127.0.0.1, where the server always listens, whatever its name resolves to. */
  @Override
  public java.sql.Connection connect() throws java.sql.SQLException {
    return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", user(), password());
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
