package org.galley.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Installs the Debian packages a test needs, so that {@code mvn verify} passes on a fresh machine
 * (STACK.md: the project's own test setup installs them, never a person): as root it runs
 * {@code apt-get install -y}, and {@code apt-get update} first only if that fails; otherwise it
 * fails naming the command to run. Installing never starts a package's service ({@code
 * policy-rc.d} answers 101 while apt runs), so only what a test starts itself runs.
 */
public final class DebianPackages {
  /**
   * Debian's own Python, which sees the packages apt installs; a {@code python3} earlier on the
   * PATH (pyenv, a virtualenv) would not.
   */
  public static final String PYTHON = "/usr/bin/python3";

  private DebianPackages() {}

  /** {@link #ensure(List, BooleanSupplier)} for one package that brings {@code binary}. */
  public static void ensure(String pkg, Path binary) {
    ensure(List.of(pkg), () -> Files.isExecutable(binary));
  }

  /** @param present whether the packages are usable already */
  public static synchronized void ensure(List<String> packages, BooleanSupplier present) {
    if (present.getAsBoolean()) {
      return;
    }
    String command = "apt-get update && apt-get install -y " + String.join(" ", packages);
    if (!"root".equals(System.getProperty("user.name")) || onPath("apt-get") == null) {
      throw new IllegalStateException(packages + " not installed; run as root: " + command);
    }
    System.err.println("[DebianPackages] installing " + packages + " with apt-get");
    List<String> install = new ArrayList<>(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q"));
    install.addAll(packages);
    Path policy = Path.of("/usr/sbin/policy-rc.d");
    boolean ownPolicy = !Files.exists(policy);
    try {
      if (ownPolicy) {
        Files.writeString(policy, "#!/bin/sh\nexit 101\n");
        policy.toFile().setExecutable(true);
      }
      // The package lists may be stale or absent on a fresh machine: update only when needed.
      if (run(install) != 0 && (run(List.of("apt-get", "update", "-q")) != 0 || run(install) != 0)) {
        throw new IllegalStateException("apt-get could not install " + packages + "; run: " + command);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not write " + policy + ": " + e);
    } finally {
      if (ownPolicy) {
        try {
          Files.deleteIfExists(policy);
        } catch (IOException e) {
          System.err.println("[DebianPackages] could not remove " + policy + ": " + e);
        }
      }
    }
    if (!present.getAsBoolean()) {
      throw new IllegalStateException(packages + " still not usable after apt-get install");
    }
  }

  /** Where {@code command} is on the PATH or in the system directories a non-login PATH may lack; null if nowhere. */
  public static Path onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return Path.of(dir, command);
      }
    }
    return null;
  }

  /** Whether Debian's {@code python3 -c code} exits 0, quietly. */
  public static boolean pythonRuns(String code) {
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", code).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs a command with its output on ours; its exit code, or -1 if it could not run. */
  private static int run(List<String> argv) {
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).inheritIO()
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
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
