package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.galley.handler.local.LocalRunner;
import org.junit.jupiter.api.Test;

class HandlerSettingsTest {

  private static HandlerSettings read(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
    return HandlerSettings.fromConfig(config);
  }

  @Test
  void theDefaultsAreFourWorkersJobsUnderTheVarDirTwoSecondChecksAndGraceHalfAMinuteToStopAndThreeAndAHalfSecondsOfOrphans() {
    HandlerSettings s = read("galley.var-dir = /srv/galley");
    assertEquals(new HandlerSettings(4, Path.of("/srv/galley/jobs"), Duration.ofSeconds(2), Duration.ofSeconds(2),
        Duration.ofSeconds(30), Duration.ofMillis(3500), LocalRunner.ProcessLauncher.PERL), s);
  }

  @Test
  void aRelativeJobsDirIsResolvedAgainstTheWorkingDirectory() {
    HandlerSettings s = read("galley.handler.jobs-dir = work/jobs");
    assertEquals(Path.of("work/jobs").toAbsolutePath(), s.jobsDir());
  }

  @Test
  void theProcessBuilderLauncherCanBeChosen() {
    assertEquals(LocalRunner.ProcessLauncher.PROCESS_BUILDER,
        read("galley.handler.process-launcher = process-builder").processLauncher());
  }

  @Test
  void aZeroKillGraceKillsAtOnce() {
    assertEquals(Duration.ZERO, read("galley.handler.kill-grace = 0s").killGrace());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertMessageNames("galley.handler.workers", "galley.handler.workers = 0");
    assertMessageNames("galley.handler.cancel-check-interval", "galley.handler.cancel-check-interval = 0s");
    assertMessageNames("galley.handler.kill-grace", "galley.handler.kill-grace = -1s");
    assertMessageNames("galley.handler.shutdown-grace", "galley.handler.shutdown-grace = -1s");
    assertMessageNames("galley.handler.orphan-timeout", "galley.handler.orphan-timeout = 2s");
    assertMessageNames("galley.handler.process-launcher", "galley.handler.process-launcher = fork");
  }

  @Test
  void theDefaultsFitGalleysStopPhaseButNotPekkosFiveSeconds() {
    HandlerSettings s = read("");
    s.requireStopFits("service-requests-done", Duration.ofSeconds(60));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.requireStopFits("service-requests-done", Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains("galley.handler.shutdown-grace"), e.getMessage());
    assertTrue(e.getMessage().contains("pekko.coordinated-shutdown.phases.service-requests-done.timeout"), e.getMessage());
  }

  private static void assertMessageNames(String key, String overrides) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(overrides));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
