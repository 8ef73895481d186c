package org.galley.handler.slurm;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real single-node Slurm (munged, slurmctld, slurmd) wholly inside one directory, the way
 * STACK.md describes it: own munge key and socket, own ports, all state, spool, pid and log files
 * inside. The daemons run in the foreground as children of this JVM; {@link #close()} (also a JVM
 * shutdown hook) kills them, and a start first kills whatever a crashed earlier run left behind in
 * the same directory: every daemon, step daemon and job carries the directory in its command line
 * or environment. One instance per test JVM ({@link #shared()}), since a start takes seconds.
 */
public final class SlurmFixture implements AutoCloseable {
  /** Marks every process this fixture starts (and, through slurmd, each slurmstepd). */
  private static final String MARK = "GALLEY_SLURM_FIXTURE";
  private static SlurmFixture shared;

  private final Path dir;
  private final Path conf;
  private final String host;
  private Process munged;
  private Process slurmctld;
  private Process slurmd;

  private SlurmFixture(Path dir) {
    this.dir = dir;
    this.conf = dir.resolve("slurm.conf");
    this.host = hostname();
  }

  /**
   * The JVM's one fixture, started on first use in {@code target/slurm} of the module (or the
   * directory in system property {@code galley.slurm.dir}). Two JVMs must not share a directory:
   * the second start kills the first's daemons.
   */
  public static synchronized SlurmFixture shared() {
    if (shared == null) {
      SlurmFixture f = new SlurmFixture(directoryFor(Path.of(System.getProperty("galley.slurm.dir",
          "target/slurm")).toAbsolutePath().normalize()));
      Runtime.getRuntime().addShutdownHook(new Thread(f::close, "slurm-fixture-stop"));
      f.start();
      shared = f;
    }
    return shared;
  }

  /** The environment for {@link SlurmCommands}: the config file the client tools read. */
  public Map<String, String> env() {
    return Map.of("SLURM_CONF", conf.toString());
  }

  public SlurmCommands commands() {
    return new SlurmCommands(env(), Duration.ofSeconds(60));
  }

  public Path directory() {
    return dir;
  }

  private void start() {
    SlurmInstall.ensureInstalled();
    long t0 = System.nanoTime();
    try {
      killStale();
      deleteTree(dir);
      for (String d : List.of("state", "spool", "log", "jobs")) {
        Files.createDirectories(dir.resolve(d));
      }
      Path sock = dir.resolve("sock");
      writeMungeKey();
      munged = spawn("munged", List.of(SlurmInstall.onPath("munged").toString(), "-F", "-f",
          "--socket=" + sock, "--key-file=" + dir.resolve("munge.key"),
          "--pid-file=" + dir.resolve("munged.pid"), "--log-file=" + dir.resolve("log/munged.log"),
          "--seed-file=" + dir.resolve("munge.seed")));
      await("munged socket", Duration.ofSeconds(20), () -> Files.exists(sock));
      Files.writeString(conf, SlurmConf.text(dir, host, freePort(), freePort(), nproc(), 8000));
      startController();
      slurmd = spawn("slurmd", List.of(SlurmInstall.onPath("slurmd").toString(), "-D", "-f", conf.toString()));
      await("node idle in sinfo", Duration.ofSeconds(60), () -> {
        CommandRun.Result r = quietly(List.of("sinfo", "--noheader", "--Node", "--format=%T"));
        return r != null && r.ok() && r.stdout().strip().equals("idle");
      });
    } catch (IOException e) {
      close();
      throw new IllegalStateException("could not start Slurm in " + dir, e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    System.err.printf("[SlurmFixture] Slurm up in %s after %d ms%n", dir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /** Stops slurmctld (SIGTERM: it saves its state); slurmd and running jobs carry on. */
  public synchronized void stopController() {
    stop(slurmctld);
    slurmctld = null;
  }

  /** Starts slurmctld on the saved state and waits until it answers. */
  public synchronized void startController() {
    if (slurmctld != null && slurmctld.isAlive()) {
      return;
    }
    slurmctld = spawn("slurmctld", List.of(SlurmInstall.onPath("slurmctld").toString(), "-D", "-f",
        conf.toString()));
    await("slurmctld answering", Duration.ofSeconds(60), () -> {
      CommandRun.Result r = quietly(List.of("squeue", "--noheader", "--format=%i"));
      return r != null && r.ok();
    });
  }

  /** Kills every daemon this fixture started, and their step daemons and jobs. */
  @Override
  public synchronized void close() {
    for (Process p : new Process[] {slurmd, slurmctld, munged}) {
      if (p != null) {
        stop(p);
      }
    }
    slurmd = null;
    slurmctld = null;
    munged = null;
    killStale();
  }

  private void stop(Process p) {
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /**
   * Kills every process whose command line or environment names this directory: daemons of a
   * run that crashed, and the slurmstepd and job processes that outlive a killed slurmd.
   */
  private void killStale() {
    String mark = dir.toString();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid != self && (contains(p.resolve("cmdline"), mark) || contains(p.resolve("environ"), mark))) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
      });
    } catch (IOException e) {
      System.err.println("[SlurmFixture] could not scan /proc: " + e);
    }
  }

  private static boolean contains(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains(text);
    } catch (IOException | RuntimeException e) {
      return false; // gone, or not ours to read
    }
  }

  private Process spawn(String name, List<String> argv) {
    try {
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(dir.resolve("log/" + name + ".out").toFile())
          .redirectErrorStream(true);
      pb.environment().put(MARK, dir.toString());
      pb.environment().put("SLURM_CONF", conf.toString());
      return pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + name, e);
    }
  }

  private void writeMungeKey() throws IOException {
    byte[] key = new byte[1024];
    new SecureRandom().nextBytes(key);
    Path file = dir.resolve("munge.key");
    Files.write(file, key);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    // munged checks that no one else may write the directories on the way to its files.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private CommandRun.Result quietly(List<String> argv) {
    try {
      return CommandRun.run(argv, env(), Duration.ofSeconds(20));
    } catch (SlurmException e) {
      return null;
    }
  }

  private void await(String what, Duration max, BooleanSupplier condition) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      for (Process p : new Process[] {munged, slurmctld, slurmd}) {
        if (p != null && !p.isAlive()) {
          throw new IllegalStateException("a Slurm daemon exited while waiting for " + what
              + " (exit " + p.exitValue() + "); logs in " + dir.resolve("log"));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what + "; logs in " + dir.resolve("log"));
      }
      try {
        Thread.sleep(100); // polling interval of a deadline-bounded wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /**
   * A UNIX socket path has at most 107 bytes: a deep build directory is replaced by one under /tmp
   * named after it, the same on every run so that a later start still finds a crashed run's daemons.
   */
  static Path directoryFor(Path wanted) {
    if (wanted.resolve("sock").toString().length() <= 100) {
      return wanted;
    }
    String hash = Integer.toHexString(wanted.toString().hashCode());
    return Path.of(System.getProperty("java.io.tmpdir"), "galley-slurm-" + hash);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int nproc() {
    return Runtime.getRuntime().availableProcessors();
  }

  private static String hostname() {
    try {
      Process p = new ProcessBuilder("hostname", "-s").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("hostname -s failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(all::add);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      Files.deleteIfExists(all.get(i));
    }
  }
}
