package org.galley.handler.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What Slurm does to a job over its time or memory limit. Slow: a walltime is a whole minute. */
@Tag("slow")
class SlurmLimitsIT {
  static SlurmCommands commands;

  @BeforeAll
  static void startSlurm() {
    SlurmCommandsIT.startSlurm();
    commands = SlurmCommandsIT.commands;
  }

  // A walltime kill (TIMEOUT after Slurm's minute) is proven end to end, through this layer, by
  // SlurmRunnerIT.aJobOverItsWalltimeIsAnErrorSayingSo: one minute-long wait in the suite, not two.

  @Test
  void killsAJobOverItsMemoryAtOnce() throws Exception {
    overMemory("memory", "$x = 'a' x 300_000_000; sleep 30");
  }

  @Test
  void killsAJobThatGrowsOverItsMemoryLater() throws Exception {
    // The size depends on $$ so that perl cannot fold the string into a constant at compile time.
    overMemory("memory-later", "sleep 3; my $n = 300_000_000 + $$ * 0; $x = 'a' x $n; sleep 30");
  }

  private void overMemory(String label, String perl) throws Exception {
    Path dir = SlurmCommandsIT.jobDir(label);
    SlurmScript.write(dir, List.of("perl", "-e", perl), Optional.empty(), Map.of());
    long id = commands.submit(SlurmCommandsIT.small(dir).withMemMb(20));
    long t0 = System.nanoTime();
    SlurmJob done = SlurmWait.job(commands, id, Duration.ofSeconds(90), SlurmJob::terminal);
    String stderr = Files.readString(dir.resolve("stderr"));
    System.out.printf("[slurm] %s --mem=20M, 300 MB: terminal after %d ms: %s exit_code=%s stderr=%s %s%n",
        label, (System.nanoTime() - t0) / 1_000_000, done, SlurmScript.exitCode(dir), stderr.strip(),
        SlurmCommandsIT.facts(id));
    assertTrue(stderr.contains("Exceeded job memory limit"), stderr);
    assertTrue(List.of("FAILED", "CANCELLED", "OUT_OF_MEMORY").contains(done.state()), done.toString());
  }
}
