package org.galley.handler.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SlurmScript and SlurmCommands against a real single-node Slurm ({@link SlurmFixture}). */
class SlurmCommandsIT {
  private static final AtomicInteger SEQ = new AtomicInteger();
  static SlurmFixture slurm;
  static SlurmCommands commands;

  @BeforeAll
  static void startSlurm() {
    slurm = SlurmFixture.shared();
    commands = slurm.commands();
  }

  @Test
  void runsAJobToCompletedWithItsStdoutAndExitCode() throws Exception {
    Path dir = jobDir("hello");
    SlurmScript.write(dir, List.of("sh", "-c", "echo hello; echo slots=$GALLEY_SLOTS mem=$GALLEY_MEMORY_MB"),
        Optional.empty(), Map.of());
    long submitted = System.nanoTime();
    long id = commands.submit(small(dir));
    SlurmJob seen = SlurmWait.job(commands, id, Duration.ofSeconds(30), j -> true);
    System.out.println("[slurm] first seen " + seen);
    SlurmJob running = SlurmWait.job(commands, id, Duration.ofSeconds(60), j -> !j.pending());
    System.out.printf("[slurm] left PENDING after %d ms: %s%n",
        (System.nanoTime() - submitted) / 1_000_000, running);
    SlurmJob done = SlurmWait.job(commands, id, Duration.ofSeconds(60), SlurmJob::terminal);
    System.out.println("[slurm] ended " + done + " " + commands.detail(id).map(d -> "ExitCode="
        + SlurmCommands.field(d, "ExitCode").orElse("?")).orElse(""));
    assertEquals("COMPLETED", done.state());
    assertTrue(done.startTime().isPresent());
    assertEquals(Optional.of(0), SlurmScript.exitCode(dir));
    assertEquals("hello\nslots=1 mem=64\n", Files.readString(dir.resolve("stdout")));
  }

  @Test
  void recordsANonZeroExitCode() throws Exception {
    Path dir = jobDir("exit3");
    SlurmScript.write(dir, List.of("sh", "-c", "echo oops >&2; exit 3"), Optional.empty(), Map.of());
    long id = commands.submit(small(dir));
    SlurmJob done = SlurmWait.job(commands, id, Duration.ofSeconds(90), SlurmJob::terminal);
    System.out.println("[slurm] exit 3 ended " + done + " " + commands.detail(id).orElse(""));
    assertEquals(Optional.of(3), SlurmScript.exitCode(dir));
    assertEquals("oops\n", Files.readString(dir.resolve("stderr")));
    assertEquals("FAILED", done.state());
  }

  @Test
  void passesArgvEnvironmentAndStdinLiterally() throws Exception {
    Path dir = jobDir("literal");
    List<String> args = List.of("a b", "it's \"quoted\"", "$(touch pwned)", "`id`", "line1\nline2",
        "Grüße ✓", "", "*", "$HOME", "-n", "\\", "end");
    List<String> argv = new java.util.ArrayList<>(List.of("printf", "%s\\n"));
    argv.addAll(args);
    Files.writeString(dir.resolve("in.txt"), "from stdin\n");
    SlurmScript.write(dir, argv, Optional.empty(), Map.of("GALLEY_TEST_VAR", "x y $(z)\nw"));
    long id = commands.submit(small(dir));
    assertEquals("COMPLETED", SlurmWait.job(commands, id, Duration.ofSeconds(90), SlurmJob::terminal).state());
    assertEquals(String.join("\n", args) + "\n", Files.readString(dir.resolve("stdout")));
    assertFalse(Files.exists(dir.resolve("pwned")));

    Path dir2 = jobDir("envstdin");
    SlurmScript.write(dir2, List.of("sh", "-c", "printf '%s|' \"$GALLEY_TEST_VAR\"; cat"),
        Optional.of(dir.resolve("in.txt")), Map.of("GALLEY_TEST_VAR", "x y $(z)\nw"));
    long id2 = commands.submit(small(dir2));
    assertEquals("COMPLETED", SlurmWait.job(commands, id2, Duration.ofSeconds(90), SlurmJob::terminal).state());
    assertEquals("x y $(z)\nw|from stdin\n", Files.readString(dir2.resolve("stdout")));
  }

  static Path jobDir(String label) throws IOException {
    Path dir = slurm.directory().resolve("jobs").resolve(label + "-" + SEQ.incrementAndGet());
    return Files.createDirectories(dir);
  }

  /** One core and 64 MB, so that jobs run side by side (without --mem a job takes the node). */
  static Submission small(Path dir) {
    return Submission.of("galley-it-" + dir.getFileName(), dir).withCpus(1).withMemMb(64);
  }
}
