package org.galley.core.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.NodeSettings;
import org.galley.core.settings.StaticHandlers;
import org.junit.jupiter.api.Test;

class AssignmentTest {
  static final NodeSettings ALL_IN_ONE = new NodeSettings(Set.of("web", "handler"), Set.of("default"), "main", Path.of("/tmp/x"));
  static final NodeSettings WEB_ONLY = new NodeSettings(Set.of("web"), Set.of("default"), "web1", Path.of("/tmp/x"));
  static final StaticHandlers STATICS = new StaticHandlers(Map.of("h1", Set.of("default"), "h2", Set.of("default", "big"),
      "h3", Set.of("big")));

  static Assignment of(NodeSettings node, AssignMethod... methods) {
    return new Assignment(List.of(methods), node, STATICS, new Random(7));
  }

  @Test
  void theFirstMethodThatAppliesWins() {
    assertEquals(new Assignment.Choice(AssignMethod.DB_SELF, "main"),
        of(ALL_IN_ONE, AssignMethod.DB_SELF, AssignMethod.CLUSTER).choose("default"));
    assertEquals(new Assignment.Choice(AssignMethod.CLUSTER, null),
        of(WEB_ONLY, AssignMethod.MEM_SELF, AssignMethod.DB_SELF, AssignMethod.CLUSTER).choose("default"));
    assertEquals(AssignMethod.DB_SKIP_LOCKED, of(WEB_ONLY, AssignMethod.DB_SKIP_LOCKED, AssignMethod.CLUSTER).choose("x").method());
  }

  @Test
  void selfAppliesOnlyToPoolsTheNodesHandlerServes() {
    assertEquals(AssignMethod.DB_TRANSACTION_ISOLATION,
        of(ALL_IN_ONE, AssignMethod.MEM_SELF, AssignMethod.DB_TRANSACTION_ISOLATION).choose("big").method());
  }

  @Test
  void preassignPicksAmongTheStaticHandlersOfThePoolAtRandom() {
    Assignment a = of(WEB_ONLY, AssignMethod.DB_PREASSIGN);
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Assignment.Choice c = a.choose("big");
      assertEquals(AssignMethod.DB_PREASSIGN, c.method());
      picked.add(c.handler());
    }
    assertEquals(Set.of("h2", "h3"), picked);
  }

  @Test
  void preassignPrefersStaticHandlersThatAreMembers() {
    Assignment a = new Assignment(List.of(AssignMethod.DB_PREASSIGN), WEB_ONLY, STATICS, new Random(7), "h3"::equals);
    for (int i = 0; i < 50; i++) {
      assertEquals("h3", a.choose("big").handler());
    }
    Assignment none = new Assignment(List.of(AssignMethod.DB_PREASSIGN), WEB_ONLY, STATICS, new Random(7), n -> false);
    assertTrue(Set.of("h2", "h3").contains(none.choose("big").handler()), "none live: any of them, the job waits");
  }

  @Test
  void noMethodApplyingFailsWithEveryReason() {
    var e = assertThrows(Assignment.NoMethodApplies.class,
        () -> of(WEB_ONLY, AssignMethod.DB_SELF, AssignMethod.DB_PREASSIGN).choose("gpu"));
    assertTrue(e.getMessage().contains("pool 'gpu'"), e.getMessage());
    assertTrue(e.getMessage().contains("db-self: this node (web1) has no handler role"), e.getMessage());
    assertTrue(e.getMessage().contains("db-preassign: no handler in galley.handlers serves pool 'gpu'"), e.getMessage());
  }

  @Test
  void aToolMappedToOneHandlerBypassesEveryMethod() {
    assertEquals(new Assignment.Choice(AssignMethod.CLUSTER, null),
        of(WEB_ONLY, AssignMethod.DB_PREASSIGN).choose("handler.h7"));
  }
}
