package org.galley.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Installs the Debian packages a test needs, so that {@code mvn verify} passes on a fresh machine
 * (STACK.md: the project's own test setup installs them, never a person): as root it runs
 * {@code apt-get install -y}, and {@code apt-get update} first only if that fails; otherwise it
 * fails naming the command to run.
 */
final class DebianPackages {
  private DebianPackages() {}

  /** @param present whether the packages are usable already */
  static synchronized void ensure(List<String> packages, BooleanSupplier present) {
    if (present.getAsBoolean()) {
      return;
    }
    String command = "apt-get update && apt-get install -y " + String.join(" ", packages);
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException(packages + " not installed; run as root: " + command);
    }
    List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
    install.addAll(packages);
    if (run(install) != 0 && (run(List.of("apt-get", "update", "-q")) != 0 || run(install) != 0)) {
      throw new IllegalStateException("apt-get could not install " + packages + "; run: " + command);
    }
    if (!present.getAsBoolean()) {
      throw new IllegalStateException(packages + " still not usable after apt-get install");
    }
  }

  /** Runs a command with its output on ours; its exit code, or -1 if it could not run. */
  static int run(List<String> argv) {
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

  /**
   * Debian's own Python, which sees the packages apt installs; a {@code python3} earlier on the
   * PATH (pyenv, a virtualenv) would not.
   */
  static final String PYTHON = "/usr/bin/python3";

  /** Whether Debian's {@code python3 -c code} exits 0, quietly. */
  static boolean pythonRuns(String code) {
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
}
