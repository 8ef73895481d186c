package org.galley.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.galley.core.db.Database;
import org.galley.core.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lease table on a real PostgreSQL, judged by the database's clock. */
class NodeLeasesIT {
  static Database db;
  static NodeLeases leases;

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh();
    leases = new NodeLeases(db.dataSource(), Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
  }

  static void age(String address, int seconds) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE cluster_node SET renewed_at = now() - interval '" + seconds + " seconds' WHERE address = '" + address + "'");
    }
  }

  @Test
  void aRenewedLeaseIsFreshUntilItsTimeoutAndAReleasedOneIsGone() throws Exception {
    leases.renew("127.0.0.1:9001", 11, "h-fresh", Set.of("handler"));
    Duration left = leases.remaining("h-fresh");
    assertTrue(left.compareTo(Duration.ofMillis(4000)) > 0 && left.compareTo(Duration.ofMillis(5001)) < 0, left.toString());
    age("127.0.0.1:9001", 4);
    assertTrue(leases.remaining("h-fresh").toMillis() <= 1000);
    age("127.0.0.1:9001", 6);
    assertEquals(Duration.ZERO, leases.remaining("h-fresh"));
    assertEquals(Duration.ZERO, leases.remaining("h-never"), "no row: no lease");
    leases.renew("127.0.0.1:9001", 11, "h-fresh", Set.of("handler"));
    leases.release("127.0.0.1:9001", 12);
    assertTrue(leases.remaining("h-fresh").toMillis() > 4000, "another incarnation's release leaves the lease alone");
    leases.release("127.0.0.1:9001", 11);
    assertEquals(Duration.ZERO, leases.remaining("h-fresh"));
  }

  @Test
  void theMembersThatRenewedWithinTheWindowAreListedWithoutThisNode() throws Exception {
    leases.renew("127.0.0.1:9101", 1, "w-self", Set.of("web"));
    leases.renew("127.0.0.1:9102", 2, "w-peer", Set.of("web"));
    leases.renew("127.0.0.1:9103", 3, "h-old", Set.of("handler"));
    age("127.0.0.1:9103", 20);
    List<String> renewed = leases.renewedWithin(Duration.ofSeconds(15), "127.0.0.1:9101");
    assertTrue(renewed.contains("127.0.0.1:9102"), renewed.toString());
    assertTrue(!renewed.contains("127.0.0.1:9101") && !renewed.contains("127.0.0.1:9103"), renewed.toString());
    age("127.0.0.1:9103", 2 * 86400);
    assertTrue(leases.purgeOlderThan(Duration.ofDays(1)) >= 1);
  }
}
