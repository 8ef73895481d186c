package org.galley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTest {

  @Test
  void printsTheFixedFieldsInOrderThenTheExtras() {
    Result r = new Result("burst", 4, 2.0, 2.0, new double[] {4, 1, 3, 2}, 123.4, Map.of()).with("cpu_pct", "0.25");

    assertEquals("scenario=burst jobs=4 seconds=2.00 jobs_per_s=2 p50_ms=2.0 p95_ms=4.0 p99_ms=4.0 rss_mb=123 cpu_pct=0.25",
        r.line());
  }

  @Test
  void figuresThatDoNotApplyAreADash() {
    Result r = new Result("idle-web", 0, 60, Result.NONE, new double[0], 200, Map.of());

    assertEquals("scenario=idle-web jobs=0 seconds=60.00 jobs_per_s=- p50_ms=- p95_ms=- p99_ms=- rss_mb=200", r.line());
  }

  @Test
  void percentilesAreNearestRank() {
    double[] sorted = new double[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertEquals(50, Result.percentile(sorted, 50));
    assertEquals(99, Result.percentile(sorted, 99));
    assertEquals(100, Result.percentile(sorted, 100));
  }

  @Test
  void cpuTicksAreUtimePlusStimeEvenWithSpacesInTheName() {
    String stat = "42 (my (odd) name) S 1 42 42 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 30 0 12345 0 0";

    assertEquals(325, ProcStats.cpuTicks(stat));
  }
}
