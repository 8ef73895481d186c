package org.galley.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code galley db} as a real process: the embedded PostgreSQL every node of a test cluster shares. */
public final class DatabaseProcess implements ClusterDatabase {
  private final Process process;
  private final String url;
  private final Path log;

  private DatabaseProcess(Process process, String url, Path log) {
    this.process = process;
    this.url = url;
    this.log = log;
  }

  /** Starts {@code galley db}; a start that fails (say, its port was taken meanwhile) is tried again on another port. */
  public static DatabaseProcess start(Path dir) throws Exception {
    AssertionError failed = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return startOnce(dir);
      } catch (AssertionError e) {
        failed = e;
      }
    }
    throw failed;
  }

  private static DatabaseProcess startOnce(Path dir) throws Exception {
    Files.createDirectories(dir);
    int port = NodeProcess.freePort();
    Path log = dir.resolve("db.log");
    Process p = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC", "-Xmx256m",
            "-Dgalley.var-dir=" + dir.resolve("var"),
            "-Dgalley.db.embedded.port=" + port,
            "-cp", System.getProperty("galley.dist") + "/*",
            "org.galley.ops.DatabaseMain"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("galley db exited: " + Files.readString(log));
      }
      if (Files.exists(log) && Files.readString(log).contains(url)) {
        return new DatabaseProcess(p, url, log);
      }
      TimeUnit.MILLISECONDS.sleep(50); // poll interval of a deadline-bounded wait
    }
    p.destroyForcibly();
    throw new AssertionError("galley db did not print its URL: " + Files.readString(log));
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

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
