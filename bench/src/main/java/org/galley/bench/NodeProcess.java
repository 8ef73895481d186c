package org.galley.bench;

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
import java.util.concurrent.TimeUnit;

/**
 * A JVM of the Galley distribution ({@code org.galley.ops.Main} or {@code DatabaseMain}) started as
 * a process of its own, output in a log file. The process-starting part of multi-jvm-tests'
 * {@code NodeProcess}, copied so the bench does not depend on test code.
 */
final class NodeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  private final Process process;
  private final Path log;

  private NodeProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static NodeProcess start(String name, Path dist, List<String> jvmOptions, List<String> properties, String mainClass,
      Path logDir) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(properties);
    cmd.add("-cp");
    cmd.add(dist + "/*");
    cmd.add(mainClass);
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new NodeProcess(name, p, log);
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** Waits until GET url answers 200, or fails with the tail of the log. */
  void awaitHttp(String url, Duration timeout) throws IOException, InterruptedException {
    awaitHttp(url, timeout, Duration.ofMillis(100));
  }

  /** Waits until GET url answers 200, asking every {@code poll}, or fails with the tail of the log. */
  void awaitHttp(String url, Duration timeout, Duration poll) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive();
      try {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      TimeUnit.NANOSECONDS.sleep(poll.toNanos()); // poll interval of a deadline-bounded wait
    }
    throw new IOException(name + " did not answer " + url + " within " + timeout + ":\n" + logTail());
  }

  /** Waits until the log holds {@code text}. */
  void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive();
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100); // poll interval of a deadline-bounded wait
    }
    throw new IOException(name + " did not log '" + text + "' within " + timeout + ":\n" + logTail());
  }

  private void requireAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IOException(name + " exited with " + process.exitValue() + ":\n" + logTail());
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** SIGTERM, then SIGKILL if it takes longer than a minute. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
