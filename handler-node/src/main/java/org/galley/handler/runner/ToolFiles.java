package org.galley.handler.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/** Writes a tool's files (parameters passed as files) into an attempt's directory, never outside it. */
public final class ToolFiles {
  private ToolFiles() {}

  /**
   * @param reserved names in the directory's top level that the runner writes itself
   * @throws IOException if a file would land outside the directory or on a reserved name
   */
  public static void write(Path dir, Map<Path, String> files, Set<String> reserved) throws IOException {
    for (Map.Entry<Path, String> f : files.entrySet()) {
      Path target = dir.resolve(f.getKey()).normalize();
      if (!target.startsWith(dir) || target.equals(dir)) {
        throw new IOException("tool file " + f.getKey() + " is outside the job directory");
      }
      if (target.getParent().equals(dir) && reserved.contains(target.getFileName().toString())) {
        throw new IOException("tool file " + f.getKey() + " takes a name the runner uses");
      }
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.getValue(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    }
  }
}
