package org.galley.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.galley.ops.cli.config.ProcessSet;

/** The admin key files of a rotation and what the nodes get in their environment. */
class AdminKeyFilesTest {
  @TempDir
  Path dir;

  @Test
  void aRotationKeepsTheOldKeyAsPreviousUntilFinished() throws Exception {
    Files.writeString(dir.resolve("galley.conf"), "handlers { handler { processes = 1 } }\n");
    ProcessSet set = ProcessSet.load(dir.resolve("galley.conf"));
    String old = set.adminKey();
    assertEquals(Map.of("GALLEY_ADMIN_KEY", old), set.environment());
    set.rotateAdminKey();
    String fresh = set.adminKey();
    assertNotEquals(old, fresh);
    assertEquals(Map.of("GALLEY_ADMIN_KEY", fresh, "GALLEY_ADMIN_KEY_PREVIOUS", old), set.environment());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(set.adminKeyFile())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(set.previousAdminKeyFile())));
    set.dropPreviousAdminKey();
    assertFalse(set.hasPreviousAdminKey());
    assertEquals(Map.of("GALLEY_ADMIN_KEY", fresh), set.environment());
  }

  @Test
  void aConfiguredKeyIsNotRotatedByTheCli() throws Exception {
    Files.writeString(dir.resolve("galley.conf"), "admin-key = \"configured-key-123\"\n");
    ProcessSet set = ProcessSet.load(dir.resolve("galley.conf"));
    assertTrue(set.configuredAdminKey());
    assertEquals(2, Cli.run(new String[] {"--config", dir.resolve("galley.conf").toString(), "admin-key", "rotate"}));
  }
}
