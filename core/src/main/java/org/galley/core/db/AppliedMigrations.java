package org.galley.core.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Whether the database already holds every migration this build ships, exactly as Flyway applied
 * it: each {@code db/migration/V<version>__*.sql} has a successful row in
 * {@code flyway_schema_history} with the same checksum (Flyway's: CRC32 of the file's lines without
 * their line breaks), and no migration ever failed. Then {@code Flyway.migrate()} would find nothing
 * to do and nothing to complain about, so a node starting on a current schema skips Flyway, whose
 * start, class path scan and validation were about 1.5 s of a node's start. Anything else (a fresh
 * database, a missing or edited migration, a migration resource this class cannot list) answers
 * false, and Flyway migrates and validates as always. Migrations the database has beyond this
 * build's (a newer node migrated it) do not count, as Flyway ignores them by default.
 */
final class AppliedMigrations {
  static final String LOCATION = "db/migration";
  private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9_.]*)__.*\\.sql");

  private static final String APPLIED = """
      SELECT version, checksum, success FROM flyway_schema_history WHERE version IS NOT NULL
      """;

  private AppliedMigrations() {}

  /** True only when every shipped migration is applied as shipped; false when unsure. */
  static boolean current(DataSource ds) {
    Map<String, Integer> shipped = shipped();
    if (shipped.isEmpty()) {
      return false;
    }
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      try (ResultSet r = st.executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
        if (!r.next() || !r.getBoolean(1)) {
          return false;
        }
      }
      Map<String, Integer> applied = new HashMap<>();
      try (ResultSet r = st.executeQuery(APPLIED)) {
        while (r.next()) {
          if (!r.getBoolean("success")) {
            return false;
          }
          int checksum = r.getInt("checksum");
          applied.put(r.getString("version"), r.wasNull() ? null : checksum);
        }
      }
      return shipped.entrySet().stream().allMatch(e -> e.getValue().equals(applied.get(e.getKey())));
    } catch (SQLException e) {
      return false;
    }
  }

  /** Version → Flyway checksum of every versioned migration on the class path; empty when they cannot be listed. */
  static Map<String, Integer> shipped() {
    Map<String, Integer> out = new HashMap<>();
    try {
      var urls = AppliedMigrations.class.getClassLoader().getResources(LOCATION);
      while (urls.hasMoreElements()) {
        if (!add(urls.nextElement(), out)) {
          return Map.of();
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return Map.of();
    }
    return Collections.unmodifiableMap(out);
  }

  private static boolean add(URL url, Map<String, Integer> out) throws IOException, URISyntaxException {
    if ("file".equals(url.getProtocol())) {
      try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          try (InputStream in = Files.newInputStream(f)) {
            put(f.getFileName().toString(), in, out);
          }
        }
      }
      return true;
    }
    if ("jar".equals(url.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) url.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        for (JarEntry e : Collections.list(jar.entries())) {
          String name = e.getName();
          if (!e.isDirectory() && name.startsWith(LOCATION + "/") && name.indexOf('/', LOCATION.length() + 1) < 0) {
            try (InputStream in = jar.getInputStream(e)) {
              put(name.substring(LOCATION.length() + 1), in, out);
            }
          }
        }
      }
      return true;
    }
    return false;
  }

  private static void put(String fileName, InputStream in, Map<String, Integer> out) throws IOException {
    Matcher m = VERSIONED.matcher(fileName);
    if (m.matches()) {
      out.put(m.group(1).replace('_', '.'), checksum(in));
    }
  }

  /** Flyway's checksum of a migration: CRC32 over its lines in UTF-8, without line breaks or a byte-order mark. */
  static int checksum(InputStream in) throws IOException {
    CRC32 crc = new CRC32();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096);
    String line = reader.readLine();
    if (line != null && line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    for (; line != null; line = reader.readLine()) {
      crc.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return (int) crc.getValue();
  }
}
