package org.galley.multijvm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The real {@code galley} CLI of the built distribution, run as a process against one config file. */
final class GalleyCli {
  private final Path config;
  private final Path logDir;

  GalleyCli(Path config, Path logDir) {
    this.config = config;
    this.logDir = logDir;
  }

  /** What one command printed and returned. */
  record Result(int exit, String output, Duration took) {}

  /** Runs {@code galley COMMAND ARGS --config FILE} and waits for it, failing after {@code timeout}. */
  Result run(Duration timeout, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-Xmx32m", "-cp", System.getProperty("galley.dist") + "/*", "org.galley.ops.cli.Cli",
        "--config", config.toString()));
    cmd.addAll(List.of(command));
    Files.createDirectories(logDir);
    Path out = logDir.resolve("cli-" + command[0] + "-" + System.nanoTime() + ".out");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("galley " + String.join(" ", command) + " did not end within " + timeout + ":\n"
          + Files.readString(out));
    }
    Result r = new Result(p.exitValue(), Files.readString(out), Duration.ofNanos(System.nanoTime() - t0));
    System.out.println("$ galley " + String.join(" ", command) + "  (exit " + r.exit() + ", "
        + r.took().toMillis() + " ms)\n" + r.output());
    return r;
  }

  /** The first of {@code n} consecutive ports free now, below the ephemeral range (see {@link NodeProcess#freePort}). */
  static int freePorts(int n) throws IOException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int first = random.nextInt(20_000, 32_000 - n);
      if (allFree(first, n)) {
        return first;
      }
    }
    throw new IOException("no " + n + " consecutive free ports between 20000 and 32000");
  }

  private static boolean allFree(int first, int n) {
    for (int port = first; port < first + n; port++) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        s.getLocalPort();
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }
}
