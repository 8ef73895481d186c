package org.galley.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Three web nodes started at the same moment on one empty database migrate its schema once
 * (Flyway holds a PostgreSQL advisory lock while it migrates; the others wait, then find nothing
 * to do) and then all serve. In the system-PostgreSQL run they do it as the unprivileged owner role.
 */
class ConcurrentMigrationIT {
  static final Path MIGRATIONS = Path.of("..", "core", "src", "main", "resources", "db", "migration");

  @Test
  void concurrentStartsMigrateOnceAndAllServe() throws Exception {
    Path dir = Path.of("target", "clusters", "migrate-" + System.currentTimeMillis()).toAbsolutePath();
    long migrations;
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
    List<NodeProcess> nodes = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try (ClusterDatabase db = ClusterDatabase.fresh(dir.resolve("db"))) {
      try {
        for (int i = 0; i < 3; i++) {
          int http = NodeProcess.freePort();
          ports.add(http);
          Map<String, String> p = new LinkedHashMap<>(db.nodeProperties());
          p.put("galley.roles", "web");
          p.put("galley.server-name", "migrate" + i);
          p.put("galley.var-dir", dir.resolve("nodes/migrate" + i).toString());
          p.put("galley.http.port", Integer.toString(http));
          p.put("galley.cluster.port", Integer.toString(NodeProcess.freePort()));
          p.put("galley.management.port", Integer.toString(NodeProcess.freePort()));
          p.put("galley.admin-key", TestCluster.ADMIN_KEY);
          p.put("galley.db.pool-size", "2");
          nodes.add(NodeProcess.start("migrate" + i, dir.resolve("logs"), p));
        }
        for (int i = 0; i < nodes.size(); i++) {
          nodes.get(i).awaitHttp("http://127.0.0.1:" + ports.get(i) + "/api/version", Duration.ofSeconds(120));
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
          try (ResultSet rs = st.executeQuery("""
              SELECT count(*), count(DISTINCT version), bool_and(success) FROM flyway_schema_history
              WHERE version IS NOT NULL""")) {
            rs.next();
            assertEquals(migrations, rs.getLong(1), "each migration applied once");
            assertEquals(migrations, rs.getLong(2));
            assertTrue(rs.getBoolean(3), "all succeeded");
          }
          if (ClusterDatabase.system()) {
            try (ResultSet rs = st.executeQuery("""
                SELECT current_user, r.rolsuper, r.rolcreatedb, r.rolcreaterole,
                       (SELECT tableowner FROM pg_tables WHERE tablename = 'job')
                FROM pg_roles r WHERE r.rolname = current_user""")) {
              rs.next();
              assertEquals(SystemPostgres.ROLE, rs.getString(1));
              assertFalse(rs.getBoolean(2) || rs.getBoolean(3) || rs.getBoolean(4), "no superuser, createdb, createrole");
              assertEquals(SystemPostgres.ROLE, rs.getString(5), "the role owns what it migrated");
            }
          }
        }
        // Every node works on the one schema: a job written through one is read through the others.
        ApiClient first = new ApiClient("http://127.0.0.1:" + ports.get(0), TestCluster.ADMIN_KEY);
        long id = first.submit("sort_lines", "{\"text\": \"b\\na\\n\"}");
        for (int port : ports) {
          var job = new ApiClient("http://127.0.0.1:" + port, TestCluster.ADMIN_KEY).job(id);
          assertEquals(id, job.get("id").asLong(), job.toString());
        }
      } finally {
        for (NodeProcess n : nodes) {
          n.close();
        }
      }
    }
  }
}
