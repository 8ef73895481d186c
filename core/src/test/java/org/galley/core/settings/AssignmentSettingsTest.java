package org.galley.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** galley.jobs.assign-with, galley.jobs.walltime, galley.limits and galley.handlers as read from configuration. */
class AssignmentSettingsTest {
  static Config with(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void assignWithIsAnOrderedListGivenAsAStringOrAList() {
    assertEquals(List.of(AssignMethod.CLUSTER), JobsSettings.fromConfig(with("")).assignWith());
    assertEquals(List.of(AssignMethod.MEM_SELF, AssignMethod.DB_SKIP_LOCKED),
        JobsSettings.fromConfig(with("galley.jobs.assign-with = \"mem-self, db-skip-locked\"")).assignWith());
    assertEquals(List.of(AssignMethod.DB_PREASSIGN, AssignMethod.CLUSTER),
        JobsSettings.fromConfig(with("galley.jobs.assign-with = [db-preassign, cluster]")).assignWith());
  }

  @Test
  void anUnknownOrMissingMethodIsRefusedWithTheKnownOnes() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> JobsSettings.fromConfig(with("galley.jobs.assign-with = \"db-skiplocked\"")));
    assertTrue(e.getMessage().contains("'db-skiplocked'") && e.getMessage().contains("db-skip-locked"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JobsSettings.fromConfig(with("galley.jobs.assign-with = \"\"")));
  }

  @Test
  void walltimeZeroMeansNone() {
    assertEquals(Optional.empty(), JobsSettings.fromConfig(with("")).walltime());
    assertEquals(Optional.of(Duration.ofHours(2)), JobsSettings.fromConfig(with("galley.jobs.walltime = 2h")).walltime());
  }

  @Test
  void limitsAreReadPerPool() {
    JobLimits none = JobLimits.fromConfig(with(""));
    assertFalse(none.any());
    JobLimits l = JobLimits.fromConfig(with("""
        galley.limits { user-concurrent-jobs = 5, pools { big { concurrent-jobs = 10, user-concurrent-jobs = 2 }, "a.b" { concurrent-jobs = 1 } } }
        """));
    assertTrue(l.any());
    assertEquals(5, l.userConcurrentJobs());
    assertEquals(new JobLimits.PoolLimits(10, 2), l.of("big"));
    assertEquals(new JobLimits.PoolLimits(1, 0), l.of("a.b"));
    assertEquals(new JobLimits.PoolLimits(0, 0), l.of("other"));
    assertThrows(IllegalArgumentException.class, () -> JobLimits.fromConfig(with("galley.limits.user-concurrent-jobs = -1")));
  }

  @Test
  void aStaticHandlerServesThePoolsOfItsDefinitionAndUntaggedOnesServeDefault() {
    String statics = "galley.handlers { h1 { pools = [big, gpu] }, h2 {} }\n";
    StaticHandlers s = StaticHandlers.fromConfig(with(statics));
    assertEquals(List.of("h2"), s.ofPool("default"));
    assertEquals(List.of("h1"), s.ofPool("gpu"));
    assertEquals(Set.of("big", "gpu"),
        NodeSettings.fromConfig(with(statics + "galley.server-name = h1\ngalley.pools = other")).pools());
    assertEquals(Set.of("other"), NodeSettings.fromConfig(with(statics + "galley.server-name = h5\ngalley.pools = other")).pools());
  }
}
