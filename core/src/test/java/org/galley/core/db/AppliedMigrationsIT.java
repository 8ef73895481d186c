package org.galley.core.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.galley.core.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The start-up check that lets a node skip Flyway, against what Flyway itself wrote. */
class AppliedMigrationsIT {

  @Test
  void aSchemaIsCurrentOnlyOnceFlywayAppliedEveryShippedMigration() throws Exception {
    PGSimpleDataSource ds = dataSource(TestDatabase.freshUrl());
    assertFalse(AppliedMigrations.current(ds), "an empty database has no history table");

    Database.connect(ds.getUrl(), "postgres", "", 2, null).close();

    assertTrue(AppliedMigrations.current(ds));
    Map<String, Integer> flyways = new HashMap<>();
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT version, checksum FROM flyway_schema_history WHERE version IS NOT NULL")) {
      while (r.next()) {
        flyways.put(r.getString(1), r.getInt(2));
      }
    }
    assertEquals(flyways, AppliedMigrations.shipped(), "Flyway's checksums and ours");

    // Migrations of a newer build (it migrated this database) do not count, as Flyway ignores them
    // too, and a node of this build still opens the database.
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("""
          INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,
              installed_by, execution_time, success)
          VALUES (1000, '999', 'newer', 'SQL', 'V999__newer.sql', 42, 'postgres', 1, true)
          """);
    }
    assertTrue(AppliedMigrations.current(ds));
    Database.connect(ds.getUrl(), "postgres", "", 2, null).close();
  }

  @Test
  void anEditedOrFailedMigrationLeavesTheCheckToFlyway() throws Exception {
    PGSimpleDataSource ds = dataSource(TestDatabase.freshUrl());
    Database.connect(ds.getUrl(), "postgres", "", 2, null).close();
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
      assertFalse(AppliedMigrations.current(ds), "a checksum that differs");
      st.execute("UPDATE flyway_schema_history SET checksum = checksum - 1, success = false WHERE version = '1'");
      assertFalse(AppliedMigrations.current(ds), "a failed migration");
      st.execute("UPDATE flyway_schema_history SET success = true WHERE version = '1'");
      st.execute("DELETE FROM flyway_schema_history WHERE version = '2'");
      assertFalse(AppliedMigrations.current(ds), "a shipped migration not applied");
    }
  }

  private static PGSimpleDataSource dataSource(String url) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser("postgres");
    ds.setPassword("");
    return ds;
  }
}
