package org.galley.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.galley.core.db.Database;
import org.galley.core.db.EmbeddedDatabase;

/**
 * One embedded PostgreSQL per test JVM, under the module's {@code target/}; every
 * {@link #fresh()} call gets a new, migrated database of its own, so test classes never see each
 * other's rows.
 */
public final class TestDatabase {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedDatabase server;

  private TestDatabase() {}

  public static synchronized EmbeddedDatabase server() {
    if (server == null) {
      try {
        Path dir = Path.of("target", "test-pg-" + ProcessHandle.current().pid()).toAbsolutePath();
        server = EmbeddedDatabase.start(dir, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedDatabase s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          s.close();
        } catch (IOException ignored) {
          // the JVM is going away
        }
      }));
    }
    return server;
  }

  /** JDBC URL of a new, empty database on the shared server (not migrated). */
  public static String freshUrl() {
    EmbeddedDatabase s = server();
    String name = "t" + COUNTER.incrementAndGet();
    String admin = "jdbc:postgresql://127.0.0.1:" + s.port() + "/postgres";
    try (Connection c = DriverManager.getConnection(admin, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return "jdbc:postgresql://127.0.0.1:" + s.port() + "/" + name;
  }

  /** A new, migrated database with a small pool. */
  public static Database fresh() {
    return Database.connect(freshUrl(), "postgres", "", 8, null);
  }
}
