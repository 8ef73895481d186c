package org.galley.web.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobOutputTest {
  @TempDir Path dir;

  @Test
  void readsTheWholeFileWhenItFits() throws IOException {
    Files.writeString(dir.resolve("stdout"), "hello\n");
    JobOutput.Content c = JobOutput.STDOUT.read(dir, 100);
    assertEquals("hello\n", new String(c.bytes(), StandardCharsets.UTF_8));
    assertEquals(0, c.skipped());
  }

  @Test
  void servesTheTailOfAFileLongerThanTheLimit() throws IOException {
    Files.writeString(dir.resolve("stderr"), "0123456789abcdef");
    JobOutput.Content c = JobOutput.STDERR.read(dir, 6);
    assertEquals("abcdef", new String(c.bytes(), StandardCharsets.UTF_8));
    assertEquals(10, c.skipped());
  }

  @Test
  void aFileNotWrittenYetIsEmpty() {
    assertEquals(0, JobOutput.STDOUT.read(dir, 100).bytes().length);
    assertEquals(0, JobOutput.STDOUT.read(dir.resolve("no-such-dir"), 100).bytes().length);
  }

  @Test
  void aLinkPlantedInPlaceOfTheFileIsNotFollowed() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "do not serve");
    Files.createSymbolicLink(dir.resolve("stdout"), secret);
    assertArrayEquals(new byte[0], JobOutput.STDOUT.read(dir, 100).bytes());
  }

  @Test
  void aDirectoryInPlaceOfTheFileIsEmpty() throws IOException {
    Files.createDirectory(dir.resolve("stderr"));
    assertArrayEquals(new byte[0], JobOutput.STDERR.read(dir, 100).bytes());
  }
}
