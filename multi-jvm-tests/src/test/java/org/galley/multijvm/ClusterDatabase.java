package org.galley.multijvm;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The database of one test's nodes: a {@code galley db} embedded PostgreSQL (the default), or a
 * fresh database on Debian's PostgreSQL server owned by an unprivileged role ({@code
 * -Dgalley.test.db=system}, {@link SystemPostgres}).
 */
interface ClusterDatabase extends AutoCloseable {
  /** Whether this run of the suite uses Debian's PostgreSQL server. */
  static boolean system() {
    String db = System.getProperty("galley.test.db", "embedded");
    if (!db.equals("system") && !db.equals("embedded")) {
      throw new IllegalArgumentException("galley.test.db: embedded or system, got " + db);
    }
    return db.equals("system");
  }

  /** A fresh database for one test: {@code galley db} in {@code dir}, or one on the system server. */
  static ClusterDatabase fresh(java.nio.file.Path dir) throws Exception {
    return system() ? SystemPostgres.get().createDatabase() : DatabaseProcess.start(dir);
  }

  /** For a node that runs its own embedded database by default: in a system run, a fresh database instead. */
  static Map<String, String> forAllInOne() throws Exception {
    return system() ? SystemPostgres.get().createDatabase().nodeProperties() : Map.of();
  }

  /**
   * The database of a {@code galley.conf}: its embedded database on {@code embeddedPort} (started by
   * {@code galley start}), or in a system run a fresh database on the server. See {@link #cliConfig}.
   */
  static ClusterDatabase forCli(int embeddedPort) throws Exception {
    if (system()) {
      return SystemPostgres.get().createDatabase();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + embeddedPort + "/postgres";
    return new ClusterDatabase() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public String user() {
        return "postgres";
      }

      @Override
      public String password() {
        return "";
      }

      @Override
      public void close() {
        // galley stop stops it
      }
    };
  }

  /** The galley.conf lines naming this database (HOCON merges the properties block with any other). */
  default String cliConfig(int embeddedPort) {
    if (!system()) {
      return "database.embedded-port = " + embeddedPort + "\n";
    }
    return "database.url = \"" + url() + "\"\nproperties { \"galley.db.user\" = \"" + user()
        + "\", \"galley.db.password\" = \"" + password() + "\" }\n";
  }

  String url();

  String user();

  String password();

  /** The settings that point a node at this database. */
  default Map<String, String> nodeProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("galley.db.url", url());
    p.put("galley.db.user", user());
    p.put("galley.db.password", password());
    return p;
  }

  default Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), user(), password());
  }

  @Override
  void close() throws Exception;
}
