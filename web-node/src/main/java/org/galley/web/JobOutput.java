package org.galley.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Set;

/**
 * The two files of a job's working directory the API serves. The names are fixed here, never
 * taken from the request, and the file is read only if it is a regular file (not a link a tool
 * planted to make us read elsewhere, nor a FIFO that would block a thread forever).
 */
enum JobOutput {
  STDOUT("stdout"),
  STDERR("stderr");

  private final String fileName;

  JobOutput(String fileName) {
    this.fileName = fileName;
  }

  String fileName() {
    return fileName;
  }

  /** What was read, and how many bytes at the start of the file were left out to stay within the limit. */
  record Content(byte[] bytes, long skipped) {
    static final Content EMPTY = new Content(new byte[0], 0);
  }

  /**
   * Reads this file of {@code directory}: all of it, or its last {@code max} bytes, where a job
   * says how it ended. Empty if the directory or file does not exist yet. Blocks.
   */
  Content read(Path directory, long max) {
    Path file = directory.resolve(fileName);
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        return Content.EMPTY;
      }
      // NOFOLLOW_LINKS again on open: the file may have been swapped for a link since the check.
      try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
        long size = ch.size();
        long start = Math.max(0, size - max);
        ch.position(start);
        ByteBuffer buf = ByteBuffer.allocate((int) (size - start));
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // a running job may be writing; we serve what existed when we looked
        }
        return new Content(Arrays.copyOf(buf.array(), buf.position()), start);
      }
    } catch (NoSuchFileException e) {
      return Content.EMPTY;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
