package org.galley.core.job;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The {@code idempotency_key} table: submissions that carry an Idempotency-Key. The key row and
 * the jobs are written in one transaction, and the key is the primary key, so of several
 * submissions with one key (a client's retries, even concurrent ones on different web nodes)
 * exactly one writes jobs; the others wait for its commit and answer its jobs. A key is kept for
 * {@code keep}, then forgotten and usable again. Blocks: call it from the blocking dispatcher.
 */
public final class IdempotencyStore {
  /** Deletes this user's key if it expired, so that it starts afresh. */
  static final String FORGET_EXPIRED_KEY = """
      DELETE FROM idempotency_key
      WHERE owner = ? AND key = ? AND create_time < now() - ?::interval   -- owner, key, keep
      """;
  /** Takes the key; waits while another transaction holds it, and then inserts nothing. */
  static final String TAKE_KEY = """
      INSERT INTO idempotency_key (owner, key, request_hash, list, job_ids)
      VALUES (?, ?, ?, ?, '{}')                    -- owner, key, request hash, list
      ON CONFLICT (owner, key) DO NOTHING
      """;
  static final String SET_JOB_IDS = "UPDATE idempotency_key SET job_ids = ? WHERE owner = ? AND key = ?";
  static final String FIND_KEY = "SELECT request_hash, list, job_ids FROM idempotency_key WHERE owner = ? AND key = ?";
  static final String FIND_JOBS = "SELECT * FROM job WHERE id = ANY(?)";
  static final String PURGE_EXPIRED = "DELETE FROM idempotency_key WHERE create_time < now() - ?::interval";
  private static final long PURGE_EVERY_MILLIS = 60_000;

  /** What a submission came to: its jobs, whether it was a list, and whether it only replayed an earlier one. */
  public record Outcome(List<Job> jobs, boolean list, boolean replayed) {}

  /** The key was used before with another request body. */
  public static final class KeyReusedException extends RuntimeException {
    KeyReusedException(String key) {
      super("Idempotency-Key '" + key + "' was used for another request; use a new key for a new submission");
    }
  }

  private final DataSource dataSource;
  private final Duration keep;
  private final AtomicLong lastPurge = new AtomicLong();

  public IdempotencyStore(DataSource dataSource, Duration keep) {
    if (keep.toSeconds() < 1) {
      throw new IllegalArgumentException("idempotency keys must be kept at least 1s, got " + keep);
    }
    this.dataSource = dataSource;
    this.keep = keep;
  }

  /**
   * Writes {@code jobs} under {@code key} unless the key is known; then answers the jobs written
   * with it.
   *
   * @param requestHash digest of the request body; a known key with another digest is refused
   * @throws KeyReusedException if the key was used for another body
   */
  public Outcome submit(String owner, String key, String requestHash, boolean list, List<NewJob> jobs) {
    purgeNowAndThen();
    String interval = keep.toSeconds() + " seconds";
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        Outcome o = submit(c, owner, key, requestHash, list, jobs, interval);
        c.commit();
        return o;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  private Outcome submit(Connection c, String owner, String key, String requestHash, boolean list,
      List<NewJob> jobs, String interval) throws SQLException {
    execute(c, FORGET_EXPIRED_KEY, owner, key, interval);
    if (execute(c, TAKE_KEY, owner, key, requestHash, list) == 1) {
      List<Job> inserted = JobStore.insertAll(c, jobs);
      Long[] ids = inserted.stream().map(Job::id).toArray(Long[]::new);
      try (PreparedStatement ps = c.prepareStatement(SET_JOB_IDS)) {
        ps.setArray(1, c.createArrayOf("bigint", ids));
        ps.setString(2, owner);
        ps.setString(3, key);
        ps.executeUpdate();
      }
      return new Outcome(inserted, list, false);
    }
    try (PreparedStatement ps = c.prepareStatement(FIND_KEY)) {
      ps.setString(1, owner);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("idempotency key vanished while read: " + key);
        }
        if (!rs.getString(1).equals(requestHash)) {
          throw new KeyReusedException(key);
        }
        return new Outcome(findAll(c, (Long[]) rs.getArray(3).getArray()), rs.getBoolean(2), true);
      }
    }
  }

  /** The jobs in the order of {@code ids}. */
  private static List<Job> findAll(Connection c, Long[] ids) throws SQLException {
    Map<Long, Job> byId = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(FIND_JOBS)) {
      Array array = c.createArrayOf("bigint", ids);
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Job j = JobRows.read(rs);
          byId.put(j.id(), j);
        }
      }
    }
    List<Job> out = new ArrayList<>(ids.length);
    for (Long id : ids) {
      Job j = byId.get(id);
      if (j == null) {
        throw new IllegalStateException("job " + id + " of an idempotency key is gone");
      }
      out.add(j);
    }
    return out;
  }

  private static int execute(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  /** Expired keys of everyone go at most once a minute per web node, in a statement of their own. */
  private void purgeNowAndThen() {
    long now = System.currentTimeMillis();
    long last = lastPurge.get();
    if (now - last < PURGE_EVERY_MILLIS || !lastPurge.compareAndSet(last, now)) {
      return;
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PURGE_EXPIRED)) {
      ps.setString(1, keep.toSeconds() + " seconds");
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }
}
