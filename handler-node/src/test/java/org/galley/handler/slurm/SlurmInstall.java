package org.galley.handler.slurm;

import java.nio.file.Path;
import java.util.List;
import org.galley.testsupport.DebianPackages;

/**
 * Makes sure the Slurm daemons and munge are on this machine, so that {@code mvn verify} passes on
 * a fresh one: Debian's {@code slurm-wlm} and {@code munge}, installed by {@link DebianPackages}
 * when missing (STACK.md: by the project's own test setup, never by hand).
 */
final class SlurmInstall {
  static final List<String> PACKAGES = List.of("slurm-wlm", "munge");
  private static final List<String> NEEDED = List.of("slurmctld", "slurmd", "munged", "sbatch");

  private SlurmInstall() {}

  static void ensureInstalled() {
    DebianPackages.ensure(PACKAGES, () -> missing().isEmpty());
  }

  static List<String> missing() {
    return NEEDED.stream().filter(c -> onPath(c) == null).toList();
  }

  /** The daemons live in /usr/sbin, which a non-login PATH may lack. */
  static Path onPath(String command) {
    return DebianPackages.onPath(command);
  }
}
