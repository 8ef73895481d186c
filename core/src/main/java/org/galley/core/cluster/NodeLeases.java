package org.galley.core.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.galley.core.job.StoreException;

/**
 * Table {@code cluster_node} (migration V10): the lease every member renews while it is Up and not
 * cut off ({@link NodeLease}). Time is the database's ({@code now()}), so the nodes' clocks never
 * matter. A lease is fresh for {@code timeout} after its last renewal.
 */
public final class NodeLeases {
  private static final String RENEW = """
      INSERT INTO cluster_node (address, uid, server_name, roles, renewed_at) VALUES (?, ?, ?, ?, now())
      ON CONFLICT (address) DO UPDATE SET uid = excluded.uid, server_name = excluded.server_name,
        roles = excluded.roles, renewed_at = now()
      """;
  private static final String DELETE = "DELETE FROM cluster_node WHERE address = ? AND uid = ?";
  /** Milliseconds the freshest lease of a server name has left; no row: NULL. */
  private static final String REMAINING = """
      SELECT GREATEST(0, EXTRACT(EPOCH FROM (max(renewed_at) + make_interval(secs => ?) - now())) * 1000)::bigint
      FROM cluster_node WHERE server_name = ?
      """;
  private static final String RENEWED_WITHIN = """
      SELECT address FROM cluster_node WHERE renewed_at > now() - make_interval(secs => ?) AND address <> ?
      ORDER BY address
      """;
  private static final String PURGE = "DELETE FROM cluster_node WHERE renewed_at < now() - make_interval(secs => ?)";

  private final DataSource dataSource;
  private final Duration timeout;

  public NodeLeases(DataSource dataSource, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a lease timeout must be positive, got " + timeout);
    }
    this.dataSource = dataSource;
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Renews (or takes) the lease of the member at {@code address}, incarnation {@code uid}. */
  public void renew(String address, long uid, String serverName, Set<String> roles) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RENEW)) {
      ps.setString(1, address);
      ps.setLong(2, uid);
      ps.setString(3, serverName);
      ps.setArray(4, c.createArrayOf("text", roles.toArray()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** Gives the lease up: this incarnation stops, having handed back what it held. */
  public void release(String address, long uid) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
      ps.setString(1, address);
      ps.setLong(2, uid);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** How long the lease of a member named {@code serverName} is still fresh; zero if expired or none. */
  public Duration remaining(String serverName) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(REMAINING)) {
      ps.setDouble(1, timeout.toMillis() / 1000.0);
      ps.setString(2, serverName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Duration.ofMillis(rs.getLong(1));
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /**
   * Addresses (host:port) of the other members that renewed within {@code window}, in address order
   * (a stable order: a changed list restarts the seed node join).
   */
  public List<String> renewedWithin(Duration window, String selfAddress) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RENEWED_WITHIN)) {
      ps.setDouble(1, window.toMillis() / 1000.0);
      ps.setString(2, selfAddress);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** Forgets the rows of members gone for longer than {@code age}. */
  public int purgeOlderThan(Duration age) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PURGE)) {
      ps.setDouble(1, age.toMillis() / 1000.0);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }
}
