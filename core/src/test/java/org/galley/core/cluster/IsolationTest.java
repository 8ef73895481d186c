package org.galley.core.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.UniqueAddress;
import org.junit.jupiter.api.Test;

class IsolationTest {
  private static UniqueAddress node(int port) {
    return new UniqueAddress(new Address("pekko", "galley", "127.0.0.1", port), (long) port);
  }

  @Test
  void aNodeThatSeesNoneOfTwoOrMoreOthersIsIsolated() {
    assertTrue(Isolation.isolated(Set.of(node(1), node(2)), Set.of(node(1), node(2))));
    assertTrue(Isolation.isolated(Set.of(node(1), node(2), node(3)), Set.of(node(1), node(2), node(3))));
  }

  @Test
  void seeingAnyOtherMemberOrHavingOnlyOneIsNot() {
    assertFalse(Isolation.isolated(Set.of(node(1), node(2)), Set.of(node(1))), "a dead peer is not a cut");
    assertFalse(Isolation.isolated(Set.of(node(1)), Set.of(node(1))), "two nodes: the survivor may be the majority");
    assertFalse(Isolation.isolated(Set.of(), Set.of()), "alone, or not joined yet");
  }
}
