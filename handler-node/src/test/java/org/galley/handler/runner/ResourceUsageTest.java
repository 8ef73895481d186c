package org.galley.handler.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
