package org.galley.handler.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage file as the perl leader and the Slurm job script write it. */
class ResourceUsageTest {
  @TempDir Path dir;

  @Test
  void readsThePerlLeadersSeconds() throws Exception {
    Files.writeString(dir.resolve(ResourceUsage.FILE), "1.25 0.5\n");
    ResourceUsage u = ResourceUsage.read(dir);
    assertEquals(1.25, u.cpuUserSeconds().getAsDouble(), 1e-9);
    assertEquals(0.5, u.cpuSystemSeconds().getAsDouble(), 1e-9);
  }

  @Test
  void readsCpuPeakMemoryAndSignalOfGetrusage() throws Exception {
    Files.writeString(dir.resolve(ResourceUsage.FILE), "0.760000 0.381000 104792 9\n");
    ResourceUsage u = ResourceUsage.read(dir);
    assertEquals(0.76, u.cpuUserSeconds().getAsDouble(), 1e-9);
    assertEquals(104792L * 1024, u.peakMemoryBytes().getAsLong());
    assertEquals(9, u.exitSignal().getAsInt());
    assertEquals(new org.galley.core.job.JobUsage(0.76, 0.381, 104792L * 1024, 9), u.toJobUsage());
    Files.writeString(dir.resolve(ResourceUsage.FILE), "0.07 0.03 - 0\n");
    ResourceUsage noRss = ResourceUsage.read(dir);
    assertTrue(noRss.peakMemoryBytes().isEmpty() && noRss.exitSignal().isEmpty(), noRss::toString);
    assertEquals(0.07, noRss.cpuUserSeconds().getAsDouble(), 1e-9);
    assertEquals(15, noRss.orSignal(15).exitSignal().getAsInt());
    assertEquals(9, u.orSignal(15).exitSignal().getAsInt(), "the leader's word comes first");
  }

  @Test
  void readsTheChildrensLineOfBashTimes() throws Exception {
    Files.writeString(dir.resolve(ResourceUsage.FILE), "0m0.002s 0m0.001s\n1m2.500s 0m0.250s\n");
    ResourceUsage u = ResourceUsage.read(dir);
    assertEquals(62.5, u.cpuUserSeconds().getAsDouble(), 1e-9);
    assertEquals(0.25, u.cpuSystemSeconds().getAsDouble(), 1e-9);
  }

  @Test
  void aMissingOrGarbledFileIsNoUsageNotAFailure() throws Exception {
    assertEquals(ResourceUsage.NONE, ResourceUsage.read(dir));
    Files.writeString(dir.resolve(ResourceUsage.FILE), "garbage");
    assertEquals(ResourceUsage.NONE, ResourceUsage.read(dir));
  }
}
