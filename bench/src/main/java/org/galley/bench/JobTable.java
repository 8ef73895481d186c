package org.galley.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the bench reads from (and, for big-table, writes to) the job table, over JDBC. */
final class JobTable {
  private JobTable() {}

  static long maxId(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM job")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Waits until {@code count} jobs with id above {@code afterId} are terminal; fails with their states if not. */
  static void awaitTerminal(Connection c, long afterId, int count, Duration timeout)
      throws SQLException, IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String sql = "SELECT count(*) FROM job WHERE id > ? AND state IN ('ok', 'error', 'deleted')";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, afterId);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) >= count) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("only some of " + count + " jobs ended within " + timeout + ": " + states(c, afterId));
        }
        TimeUnit.MILLISECONDS.sleep(20); // poll interval of a deadline-bounded wait
      }
    }
  }

  static Map<String, Long> states(Connection c, long afterId) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT state, count(*) FROM job WHERE id > ? GROUP BY state")) {
      ps.setLong(1, afterId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** Times of the jobs above {@code afterId}: id → {create, start, end}. */
  static Map<Long, Instant[]> times(Connection c, long afterId) throws SQLException {
    Map<Long, Instant[]> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id, create_time, start_time, end_time FROM job WHERE id > ?")) {
      ps.setLong(1, afterId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), new Instant[] {instant(rs, 2), instant(rs, 3), instant(rs, 4)});
        }
      }
    }
    return out;
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    var t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  /**
   * Fills the table with {@code rows} finished no-op jobs (and their four history rows each, as
   * real ones have), in two INSERT ... SELECT statements, then VACUUM ANALYZE so the planner and
   * the visibility map know them, as they would after a day of real traffic.
   */
  static void fillFinished(Connection c, int rows) throws SQLException {
    try (Statement s = c.createStatement()) {
      long before = maxId(c);
      s.executeUpdate("""
          INSERT INTO job (owner, tool_id, tool_version, inputs, pool, handler, state, attempt, runner, external_id,
                           exit_code, working_directory, create_time, update_time, start_time, end_time)
          SELECT 'admin', 'noop', '1.0', '{}'::jsonb, 'default', 'all-in-one', 'ok', 1, 'noop', 'noop',
                 0, '/nonexistent/' || g, t, t, t, t
          FROM generate_series(1, %d) g, LATERAL (SELECT now() - interval '1 day' + g * interval '1 ms' AS t) x
          """.formatted(rows));
      s.executeUpdate("""
          INSERT INTO job_history (job_id, attempt, state, handler, info, time)
          SELECT j.id, 1, h.state, CASE WHEN h.state = 'new' THEN NULL ELSE 'all-in-one' END, NULL, j.end_time
          FROM job j, unnest(ARRAY['new', 'queued', 'running', 'ok']) AS h(state)
          WHERE j.id > %d
          """.formatted(before));
      s.execute("VACUUM ANALYZE job");
      s.execute("VACUUM ANALYZE job_history");
    }
  }
}
