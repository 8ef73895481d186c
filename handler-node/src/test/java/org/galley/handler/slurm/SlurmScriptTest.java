package org.galley.handler.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** job.sh run by bash directly, as slurmstepd would run it, with Slurm's variables set by hand. */
class SlurmScriptTest {
  @TempDir Path dir;

  @Test
  void passesEveryArgvElementLiterally() throws Exception {
    List<String> args = List.of("a b", "it's \"q\"", "$(touch pwned)", "`id`", "x\ny", "Grüße ✓", "", "*", "-e");
    List<String> argv = new ArrayList<>(List.of("printf", "[%s]\\n"));
    argv.addAll(args);
    SlurmScript.write(dir, argv, Optional.empty(), Map.of());
    assertEquals(0, runScript(Map.of()));
    StringBuilder expected = new StringBuilder();
    args.forEach(a -> expected.append('[').append(a).append("]\n"));
    assertEquals(expected.toString(), Files.readString(dir.resolve("stdout")));
    assertFalse(Files.exists(dir.resolve("pwned")));
    assertEquals(Optional.of(0), SlurmScript.exitCode(dir));
    assertFalse(Files.exists(dir.resolve("exit_code.tmp")));
  }

  @Test
  void exportsEnvironmentSlotsAndMemoryAndReadsStdin() throws Exception {
    Path in = Files.writeString(dir.resolve("in put"), "data\n");
    SlurmScript.write(dir, List.of("sh", "-c", "printf '%s|%s|%s|' \"$V\" \"$GALLEY_SLOTS\" \"$GALLEY_MEMORY_MB\"; cat"),
        Optional.of(in), Map.of("V", "$(x) 'y'\nz"));
    assertEquals(0, runScript(Map.of("SLURM_CPUS_PER_TASK", "3", "SLURM_MEM_PER_NODE", "512")));
    assertEquals("$(x) 'y'\nz|3|512|data\n", Files.readString(dir.resolve("stdout")));
  }

  @Test
  void defaultsToOneSlotNoMemoryAndEmptyStdin() throws Exception {
    SlurmScript.write(dir, List.of("sh", "-c", "printf '%s|%s|' \"$GALLEY_SLOTS\" \"${GALLEY_MEMORY_MB-unset}\"; cat"),
        Optional.empty(), Map.of());
    assertEquals(0, runScript(Map.of()));
    assertEquals("1|unset|", Files.readString(dir.resolve("stdout")));
  }

  @Test
  void recordsAndReturnsANonZeroExitCode() throws Exception {
    SlurmScript.write(dir, List.of("sh", "-c", "exit 7"), Optional.empty(), Map.of("PATH", "/nowhere:/usr/bin:/bin"));
    assertEquals(7, runScript(Map.of()));
    assertEquals(Optional.of(7), SlurmScript.exitCode(dir));
  }

  @Test
  void recordsWhatTheToolUsedAndTheSignalThatEndedIt() throws Exception {
    SlurmScript.write(dir, List.of("perl", "-e", "my $x = 'a' x 50_000_000; my $i = 0; $i++ while $i < 5_000_000"),
        Optional.empty(), Map.of());
    assertEquals(0, runScript(Map.of()));
    var used = org.galley.handler.runner.ResourceUsage.read(dir);
    assertTrue(used.cpuUserSeconds().getAsDouble() > 0.01, used::toString);
    assertTrue(used.peakMemoryBytes().getAsLong() >= 50_000_000, used::toString);
    assertTrue(used.exitSignal().isEmpty(), used::toString);
    SlurmScript.write(dir, List.of("sh", "-c", "kill -s USR1 $$"), Optional.empty(), Map.of());
    assertEquals(128 + 10, runScript(Map.of()));
    assertEquals(Optional.of(128 + 10), SlurmScript.exitCode(dir));
    assertEquals(10, org.galley.handler.runner.ResourceUsage.read(dir).exitSignal().getAsInt());
    SlurmScript.write(dir, List.of("no-such-tool-here"), Optional.empty(), Map.of());
    assertEquals(127, runScript(Map.of()), "not found, as bash says it");
  }

  @Test
  void refusesWhatTheFilesCannotCarry() {
    assertThrows(IllegalArgumentException.class, () -> SlurmScript.write(dir, List.of(), Optional.empty(), Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> SlurmScript.write(dir, List.of("a\0b"), Optional.empty(), Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> SlurmScript.write(dir, List.of("true"), Optional.empty(), Map.of("A=B", "c")));
  }

  private int runScript(Map<String, String> slurmEnv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("job.sh").toString()).directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
    pb.environment().remove("SLURM_CPUS_PER_TASK");
    pb.environment().remove("SLURM_MEM_PER_NODE");
    pb.environment().putAll(slurmEnv);
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("job.sh did not end");
    }
    return p.exitValue();
  }
}
