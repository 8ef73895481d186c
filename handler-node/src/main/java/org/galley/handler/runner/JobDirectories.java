package org.galley.handler.runner;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * One directory per attempt under {@code jobs-dir}: {@code <id>} for the first attempt,
 * {@code <id>.a<attempt>} for later ones. An earlier attempt's directory is left as it was, for
 * whoever wants to know why it was retried, and a late writer of that attempt cannot spoil the new
 * one. A directory that already exists for the same attempt is debris (of a job table that was
 * reset, or of a start that failed and is tried again) and is emptied.
 */
public final class JobDirectories {
  private final Path root;

  public JobDirectories(Path root) {
    this.root = root;
  }

  public Path of(long jobId, int attempt) {
    return root.resolve(attempt <= 1 ? Long.toString(jobId) : jobId + ".a" + attempt);
  }

  /** Creates the attempt's directory, empty. Blocks. */
  public Path prepare(long jobId, int attempt) throws IOException {
    Path dir = of(jobId, attempt);
    if (Files.exists(dir)) {
      deleteTree(dir);
    }
    Files.createDirectories(dir);
    return dir;
  }

  /** Deletes without following symbolic links: a link a job left is removed, not what it points to. */
  public static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
