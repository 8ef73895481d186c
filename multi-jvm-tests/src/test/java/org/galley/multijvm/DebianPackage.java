package org.galley.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian package a test needs (nginx, the PostgreSQL server): used if its binary is there,
 * installed with apt-get when the tests run as root, otherwise a failure naming the command to run.
 * Installing never starts the package's service (policy-rc.d answers 101 while apt runs), so only
 * what the test starts itself runs.
 */
final class DebianPackage {
  private DebianPackage() {}

  static synchronized void ensure(String pkg, Path binary) throws IOException, InterruptedException {
    if (Files.isExecutable(binary)) {
      return;
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new AssertionError(binary + " is missing: run `sudo apt-get install -y " + pkg + "` (Debian package "
          + pkg + ") and run the tests again");
    }
    Path policy = Path.of("/usr/sbin/policy-rc.d");
    boolean ownPolicy = !Files.exists(policy);
    if (ownPolicy) {
      Files.writeString(policy, "#!/bin/sh\nexit 101\n");
      policy.toFile().setExecutable(true);
    }
    try {
      if (run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", pkg)) != 0) {
        // The package lists may be missing on a fresh machine.
        run(List.of("apt-get", "update"));
        int exit = run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", pkg));
        if (exit != 0) {
          throw new AssertionError("apt-get install -y " + pkg + " failed with " + exit);
        }
      }
    } finally {
      if (ownPolicy) {
        Files.deleteIfExists(policy);
      }
    }
    if (!Files.isExecutable(binary)) {
      throw new AssertionError("installed " + pkg + " but " + binary + " is still missing");
    }
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(command);
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).inheritIO();
    b.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = b.start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end within 15 minutes");
    }
    return p.exitValue();
  }
}
