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

  @Test
  void endsAJobOverItsWalltimeAsTimeout() throws Exception {
    Path dir = SlurmCommandsIT.jobDir("walltime");
    SlurmScript.write(dir, List.of("sleep", "600"), Optional.empty(), Map.of());
    long id = commands.submit(SlurmCommandsIT.small(dir).withWalltime(Duration.ofSeconds(5)));
    SlurmJob running = SlurmWait.job(commands, id, Duration.ofSeconds(60), j -> j.state().equals("RUNNING"));
    long t0 = System.nanoTime();
    SlurmJob done = SlurmWait.job(commands, id, Duration.ofMinutes(4), SlurmJob::terminal);
    System.out.printf("[slurm] walltime --time=1: terminal %d s after RUNNING: %s exit_code=%s stderr=%s %s%n",
        (System.nanoTime() - t0) / 1_000_000_000, done, SlurmScript.exitCode(dir),
        Files.readString(dir.resolve("stderr")).strip(), SlurmCommandsIT.facts(id));
    assertTrue(running.startTime().isPresent());
    assertEquals("TIMEOUT", done.state());
  }

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
