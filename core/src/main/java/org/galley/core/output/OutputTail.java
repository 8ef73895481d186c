package org.galley.core.output;

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
 * The last bytes of an output file of a job directory, and how many bytes before them were left
 * out. The file is read only if it is a regular file: not a link a tool planted to make us read
 * elsewhere, nor a FIFO that would block a thread forever.
 */
public record OutputTail(byte[] bytes, long skipped) {
  public static final OutputTail EMPTY = new OutputTail(new byte[0], 0);

  public boolean isEmpty() {
    return bytes.length == 0 && skipped == 0;
  }

  /** The last {@code max} bytes of {@code bytes}, adding what was cut to {@code skipped}. */
  public OutputTail last(long max) {
    if (bytes.length <= max) {
      return this;
    }
    int cut = (int) (bytes.length - max);
    return new OutputTail(Arrays.copyOfRange(bytes, cut, bytes.length), skipped + cut);
  }

  /** All of {@code file}, or its last {@code max} bytes; empty if it does not exist (yet). Blocks. */
  public static OutputTail read(Path file, long max) {
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile() || attrs.size() == 0) {
        return EMPTY;
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
        return new OutputTail(Arrays.copyOf(buf.array(), buf.position()), start);
      }
    } catch (NoSuchFileException e) {
      return EMPTY;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
