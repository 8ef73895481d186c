package org.galley.handler.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the Slurm daemons and munge are on this machine, so that {@code mvn verify} passes on
 * a fresh one: as root with apt-get it installs Debian's {@code slurm-wlm} and {@code munge} itself
 * (STACK.md: installed by the project's own test setup, never by hand); otherwise it fails naming
 * the command to run.
 */
final class SlurmInstall {
  static final List<String> PACKAGES = List.of("slurm-wlm", "munge");
  private static final List<String> NEEDED = List.of("slurmctld", "slurmd", "munged", "sbatch");

  private SlurmInstall() {}

  static synchronized void ensureInstalled() {
    if (missing().isEmpty()) {
      return;
    }
    String command = "apt-get update && apt-get install -y " + String.join(" ", PACKAGES);
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root || onPath("apt-get") == null) {
      throw new IllegalStateException("Slurm is not installed (missing " + missing()
          + "); run as root: " + command);
    }
    System.err.println("[SlurmFixture] installing " + PACKAGES + " with apt-get (takes a while)");
    List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
    install.addAll(PACKAGES);
    // The package lists may be stale or absent on a fresh machine: update only when needed.
    if (run(install) != 0) {
      System.err.println("[SlurmFixture] install failed; running apt-get update first");
      if (run(List.of("apt-get", "update", "-q")) != 0 || run(install) != 0) {
        throw new IllegalStateException("apt-get could not install " + PACKAGES + "; run: " + command);
      }
    }
    if (!missing().isEmpty()) {
      throw new IllegalStateException("still missing after install: " + missing());
    }
    System.err.println("[SlurmFixture] installed " + PACKAGES);
  }

  static List<String> missing() {
    return NEEDED.stream().filter(c -> onPath(c) == null).toList();
  }

  /** The daemons live in /usr/sbin, which a non-login PATH may lack. */
  static Path onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return Path.of(dir, command);
      }
    }
    return null;
  }

  private static int run(List<String> argv) {
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).inheritIO().redirectInput(ProcessBuilder.Redirect.from(
          Path.of("/dev/null").toFile()));
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      if (!p.waitFor(20, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
