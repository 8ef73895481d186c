package org.galley.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.galley.bench.Chaos;
import org.galley.bench.ChaosReport;
import org.galley.bench.ChaosSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bench's chaos run, short: two web nodes and three handlers under 20 keyed submissions/s
 * while random nodes are killed -9, frozen and restarted and the database restarts. Every accepted
 * job must end; none may be lost, written twice, stuck, or run twice at once. {@code
 * -Dgalley.test.chaos-seconds} sets the length (default 40), {@code -Dgalley.bench.chaos.seed} the faults.
 */
@Tag("slow")
class ChaosIT {
  @Test
  void faultsUnderLoadLoseNothingAndRunNothingTwiceAtOnce() throws Exception {
    ChaosSettings settings = ChaosSettings.fromSystemProperties()
        .withDuration(Duration.ofSeconds(Long.getLong("galley.test.chaos-seconds", 40)));
    Path dir = Path.of("target", "clusters", "chaos-" + System.currentTimeMillis()).toAbsolutePath();
    ChaosReport report = Chaos.run(settings, Path.of(System.getProperty("galley.dist")), dir,
        List.of("-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1"), List.of());
    report.lines().forEach(System.out::println);
    assertTrue(report.faults().size() >= 2, "faults were injected: " + report.faults());
    assertTrue(report.accepted() > 0, "jobs were accepted");
    assertEquals(0, report.failedSubmissions(), "failed submissions: " + report.details());
    assertEquals(0, report.lost(), "lost jobs: " + report.details());
    assertEquals(0, report.stuck(), "stuck jobs: " + report.details());
    assertEquals(0, report.duplicates(), "jobs written twice: " + report.details());
    assertEquals(0, report.ranTwiceTable(), "two attempts running at once by job_history: " + report.details());
    assertEquals(0, report.ranTwiceProcesses(), "two processes of a job at once: " + report.details());
  }
}
