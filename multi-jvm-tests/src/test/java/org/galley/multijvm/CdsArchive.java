package org.galley.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The distribution's class-data-sharing archive ({@code dist/galley.jsa}, what {@code ./galley build}
 * makes) for the nodes the tests start: a node maps the classes of a start from it instead of
 * loading them from the jars, about half of a start's CPU. Made once (one training start of
 * {@code org.galley.ops.CdsTraining}, ~20 s) when missing or older than a jar; without it (a failed
 * training) nodes start as before.
 */
final class CdsArchive {
  private static List<String> options;

  private CdsArchive() {}

  /** JVM options that map the archive of the distribution whose lib folder is {@code lib}. */
  static synchronized List<String> options(Path lib) {
    if (options == null) {
      // -Dgalley.test.no-cds=true: nodes start without it (to measure what it saves).
      options = Boolean.getBoolean("galley.test.no-cds") ? List.of() : make(lib);
    }
    return options;
  }

  private static List<String> make(Path lib) {
    Path archive = lib.resolveSibling("galley.jsa");
    try {
      if (!fresh(archive, lib)) {
        Path tmp = lib.resolveSibling("galley.jsa." + ProcessHandle.current().pid());
        Path training = lib.getParent().resolveSibling("cds-training");
        Path log = lib.getParent().resolveSibling("cds-training.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:ArchiveClassesAtExit=" + tmp, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:+UseSerialGC", "-Xmx160m",
            "-cp", lib + "/*", "org.galley.ops.CdsTraining", training.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
          p.destroyForcibly();
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
          Files.deleteIfExists(tmp);
          System.err.println("multi-jvm: no class-data-sharing archive (see " + log + "); nodes start without it");
          return List.of();
        }
        Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.err.println("multi-jvm: no class-data-sharing archive (" + e + "); nodes start without it");
      return List.of();
    }
  }

  private static boolean fresh(Path archive, Path lib) throws IOException {
    if (!Files.isRegularFile(archive)) {
      return false;
    }
    long made = Files.getLastModifiedTime(archive).toMillis();
    try (Stream<Path> jars = Files.list(lib)) {
      return jars.allMatch(j -> {
        try {
          return Files.getLastModifiedTime(j).toMillis() <= made;
        } catch (IOException e) {
          return false;
        }
      });
    }
  }
}
