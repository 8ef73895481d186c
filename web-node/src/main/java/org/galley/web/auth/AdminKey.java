package org.galley.web.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API key: {@code galley.admin-key} when set, else the key in {@code <var-dir>/admin.key},
 * generated there (mode 600) on the first start and read again on every later one, so all
 * processes that share the state directory accept the same key.
 */
public final class AdminKey {
  private static final Logger log = LoggerFactory.getLogger(AdminKey.class);
  static final String FILE_NAME = "admin.key";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private AdminKey() {}

  public static String loadOrCreate(Path varDir, String configured) throws IOException {
    if (configured != null && !configured.isBlank()) {
      return configured.trim();
    }
    Path file = varDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      return read(file);
    }
    Files.createDirectories(varDir);
    // Written in full under another name and then linked into place: linking fails if the file
    // exists, so two processes starting at once on one state directory end up with one key.
    String key = ApiKeys.generate();
    Path tmp = Files.createTempFile(varDir, FILE_NAME + ".", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
      Files.createLink(file, tmp);
      log.info("generated the admin API key in {}", file);
      return key;
    } catch (FileAlreadyExistsException e) {
      return read(file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String read(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (!perms.equals(OWNER_ONLY)) {
      log.warn("{} was readable by others ({}); set it to rw-------", file, PosixFilePermissions.toString(perms));
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
    String key = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (key.isEmpty()) {
      throw new IOException(file + " is empty: delete it to have a new admin key generated");
    }
    return key;
  }
}
