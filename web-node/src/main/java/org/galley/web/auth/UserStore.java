package org.galley.web.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.galley.core.job.StoreException;

/**
 * The {@code api_user} table. Keys are looked up by their hash, which the unique index on
 * {@code key_hash} makes one index probe; every request reads the row again, so a revoked key, a
 * rotated one or a disabled user is refused at once by every web node, with no cache to expire.
 * Every method blocks: call it on the blocking dispatcher.
 */
public final class UserStore {
  /** PostgreSQL's unique_violation: the name (or, astronomically unlikely, the key hash) is taken. */
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String COLUMNS = "id, name, is_admin, key_hash IS NOT NULL AS has_key, disabled, create_time";

  private static final String INSERT_USER = """
      INSERT INTO api_user (name, key_hash, is_admin)
      VALUES (?, ?, ?)                                  -- name, key hash, is admin
      RETURNING %s
      """.formatted(COLUMNS);

  private static final String FIND_BY_KEY_HASH = """
      SELECT %s FROM api_user WHERE key_hash = ?        -- key hash
      """.formatted(COLUMNS);

  private static final String LIST_USERS = """
      SELECT %s FROM api_user ORDER BY name
      """.formatted(COLUMNS);

  /** A NULL hash revokes the key; a new one rotates it. */
  private static final String SET_KEY_HASH = """
      UPDATE api_user SET key_hash = ?                  -- new key hash, or NULL
      WHERE name = ?                                    -- name
      RETURNING %s
      """.formatted(COLUMNS);

  private static final String SET_DISABLED = """
      UPDATE api_user SET disabled = ?                  -- disabled
      WHERE name = ?                                    -- name
      RETURNING %s
      """.formatted(COLUMNS);

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

  /** The user holding this key, disabled or not: the caller tells the two refusals apart. */
  public Optional<ApiUser> findByKeyHash(String keyHash) {
    return one(FIND_BY_KEY_HASH, ps -> ps.setString(1, keyHash));
  }

  public List<ApiUser> list() {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LIST_USERS);
        ResultSet rs = ps.executeQuery()) {
      List<ApiUser> users = new ArrayList<>();
      while (rs.next()) {
        users.add(read(rs));
      }
      return users;
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** Replaces the user's key hash ({@code null}: revokes it); empty if there is no such user. */
  public Optional<ApiUser> setKeyHash(String name, String keyHash) {
    return one(SET_KEY_HASH, ps -> {
      ps.setString(1, keyHash);
      ps.setString(2, name);
    });
  }

  /** Empty if there is no such user. */
  public Optional<ApiUser> setDisabled(String name, boolean disabled) {
    return one(SET_DISABLED, ps -> {
      ps.setBoolean(1, disabled);
      ps.setString(2, name);
    });
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private Optional<ApiUser> one(String sql, Binder binder) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  private static ApiUser read(ResultSet rs) throws SQLException {
    return new ApiUser(rs.getLong("id"), rs.getString("name"), rs.getBoolean("is_admin"), rs.getBoolean("has_key"),
        rs.getBoolean("disabled"), rs.getTimestamp("create_time").toInstant());
  }
}
