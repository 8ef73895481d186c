package org.galley.core.db;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job-store pool across a real outage: an embedded PostgreSQL stopped under it refuses callers
 * within the connection timeout and then at once, and the pool serves again soon after the server
 * is back on its port (not after HikariCP's backoff of up to 5 s).
 */
class ReconnectingPoolIT {
  @TempDir
  Path dir;

  @Test
  void refusesAtOnceWhileTheServerIsDownAndServesSoonAfterItIsBack() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedDatabase server = EmbeddedDatabase.start(dir.resolve("pg"), port);
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Database db = Database.connect(url, "postgres", "", 4, Duration.ofMillis(500), Duration.ofMillis(100), null)) {
      query(db);
      server.close();

      long t0 = System.nanoTime();
      // The first callers may get a connection that died with the server, or wait the timeout.
      long deadline = t0 + Duration.ofSeconds(10).toNanos();
      ReconnectingPool pool = db.dataSource().unwrap(ReconnectingPool.class);
      while (!pool.isDown()) {
        assertTrue(System.nanoTime() < deadline, "the pool never noticed the server was gone");
        assertThrows(SQLException.class, () -> query(db));
      }
      long t1 = System.nanoTime();
      assertThrows(SQLException.class, () -> query(db));
      long refusedMs = (System.nanoTime() - t1) / 1_000_000;
      assertTrue(refusedMs < 100, "a caller during the outage waited " + refusedMs + " ms");

      server = EmbeddedDatabase.start(dir.resolve("pg"), port);
      long back = System.nanoTime();
      long until = back + Duration.ofSeconds(10).toNanos();
      while (true) {
        try {
          query(db);
          break;
        } catch (SQLException stillDown) {
          assertTrue(System.nanoTime() < until, "the pool did not serve within 10 s of the server's return");
          TimeUnit.MILLISECONDS.sleep(10); // poll interval of a deadline-bounded wait
        }
      }
      long recoveredMs = (System.nanoTime() - back) / 1_000_000;
      System.out.printf("pool: noticed the outage in %d ms, served %d ms after the server was back%n",
          (t1 - t0) / 1_000_000, recoveredMs);
      assertTrue(recoveredMs < 1_000, "served only " + recoveredMs + " ms after the server was back");
    } finally {
      server.close();
    }
  }

  private static void query(Database db) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("SELECT 1");
    }
  }
}
