package org.galley.web.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminKeyTest {
  @TempDir Path dir;

  @Test
  void aConfiguredKeyWinsAndNoFileIsWritten() throws IOException {
    assertEquals("s3cret", AdminKey.loadOrCreate(dir, " s3cret "));
    assertTrue(Files.notExists(dir.resolve(AdminKey.FILE_NAME)));
  }

  @Test
  void generatesAKeyReadableOnlyByItsOwner() throws IOException {
    Path varDir = dir.resolve("var");
    String key = AdminKey.loadOrCreate(varDir, "");
    Path file = varDir.resolve(AdminKey.FILE_NAME);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(key, Files.readString(file).trim());
    assertTrue(key.length() >= 43, "256 bits in base64url");
    try (var files = Files.list(varDir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void reusesTheGeneratedKeyOnLaterStarts() throws IOException {
    String first = AdminKey.loadOrCreate(dir, "");
    assertEquals(first, AdminKey.loadOrCreate(dir, null));
  }

  @Test
  void tightensAKeyFileOthersCouldRead() throws IOException {
    Path file = dir.resolve(AdminKey.FILE_NAME);
    Files.writeString(file, "k\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals("k", AdminKey.loadOrCreate(dir, ""));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void refusesAnEmptyKeyFile() throws IOException {
    Path file = dir.resolve(AdminKey.FILE_NAME);
    Files.writeString(file, "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThrows(IOException.class, () -> AdminKey.loadOrCreate(dir, ""));
  }

  @Test
  void generatedKeysDiffer() {
    assertNotEquals(ApiKeys.generate(), ApiKeys.generate());
  }

  @Test
  void hashesKeysAsSha256Hex() {
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ApiKeys.hash(""));
  }
}
