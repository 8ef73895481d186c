package org.galley.web;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.galley.core.job.StoreException;

/**
 * The {@code api_user} table. Keys are looked up by their hash, which the unique index on
 * {@code key_hash} makes one index probe. Every method blocks: call it on the blocking dispatcher.
 */
public final class UserStore {
  /** PostgreSQL's unique_violation: the name (or, astronomically unlikely, the key hash) is taken. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String INSERT_USER = """
      INSERT INTO api_user (name, key_hash, is_admin)
      VALUES (?, ?, ?)                                  -- name, key hash, is admin
      RETURNING id, name, is_admin
      """;

  private static final String FIND_BY_KEY_HASH = """
      SELECT id, name, is_admin FROM api_user WHERE key_hash = ?   -- key hash
      """;

  private final DataSource dataSource;

  public UserStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Adds a user with the given key hash; empty if the name is taken. */
  public Optional<ApiUser> create(String name, String keyHash, boolean admin) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_USER)) {
      ps.setString(1, name);
      ps.setString(2, keyHash);
      ps.setBoolean(3, admin);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Optional.of(read(rs));
      }
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return Optional.empty();
      }
      throw new StoreException(e);
    }
  }

  public Optional<ApiUser> findByKeyHash(String keyHash) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND_BY_KEY_HASH)) {
      ps.setString(1, keyHash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  private static ApiUser read(ResultSet rs) throws SQLException {
    return new ApiUser(rs.getLong("id"), rs.getString("name"), rs.getBoolean("is_admin"));
  }
}
