package org.galley.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedJoinTest {
  static ClusterSettings node(int port, String... seeds) {
    return new ClusterSettings("127.0.0.1", port, List.of(seeds), "127.0.0.1", 8558, Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofSeconds(15));
  }

  @Test
  void onlyTheFirstSeedWaitsForTheDatabase() {
    assertTrue(SeedJoin.deferred(node(7355, "127.0.0.1:7355", "127.0.0.1:7356")));
    assertTrue(SeedJoin.deferred(node(7355, "127.0.0.1:7355")), "the only seed");
    assertFalse(SeedJoin.deferred(node(7356, "127.0.0.1:7355", "127.0.0.1:7356")), "the second seed never founds a cluster");
    assertFalse(SeedJoin.deferred(node(7355)), "no seeds: all-in-one, joins itself");
  }

  @Test
  void withLiveMembersTheFirstSeedJoinsThemAndNeverItself() {
    assertEquals(List.of("127.0.0.1:7356", "10.0.0.5:7355"),
        SeedJoin.seeds(List.of("127.0.0.1:7355", "127.0.0.1:7356"), "127.0.0.1:7355", List.of("10.0.0.5:7355", "127.0.0.1:7356")));
    assertEquals(List.of("10.0.0.5:7355"), SeedJoin.seeds(List.of("127.0.0.1:7355"), "127.0.0.1:7355", List.of("10.0.0.5:7355")));
  }

  @Test
  void withNoLiveMemberTheConfiguredSeedsAreJoinedAndTheFirstMayFoundTheCluster() {
    assertEquals(List.of("127.0.0.1:7355", "127.0.0.1:7356"),
        SeedJoin.seeds(List.of("127.0.0.1:7355", "127.0.0.1:7356"), "127.0.0.1:7355", List.of()));
  }

  @Test
  void leaseSettingsAreChecked() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ClusterSettings("127.0.0.1", 1,
        List.of(), "127.0.0.1", 2, Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(15)));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ClusterSettings("127.0.0.1", 1,
        List.of(), "127.0.0.1", 2, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2)));
  }
}
