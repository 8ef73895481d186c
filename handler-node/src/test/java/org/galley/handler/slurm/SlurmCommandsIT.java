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
    System.out.println("[slurm] ended " + done + " " + facts(id));
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
    System.out.println("[slurm] exit 3 ended " + done + " " + facts(id));
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

  @Test
  void cancelsAHeldPendingJobAndARunningOne() throws Exception {
    Path held = jobDir("held");
    SlurmScript.write(held, List.of("true"), Optional.empty(), Map.of());
    long heldId = commands.submit(small(held).withNativeSpecification("--hold"));
    SlurmJob pending = SlurmWait.job(commands, heldId, Duration.ofSeconds(30), j -> true);
    System.out.println("[slurm] held: " + pending);
    assertEquals("PENDING", pending.state());
    commands.cancel(heldId);
    SlurmJob cancelledPending = SlurmWait.job(commands, heldId, Duration.ofSeconds(30), SlurmJob::terminal);
    System.out.println("[slurm] cancelled while pending: " + cancelledPending + " "
        + facts(heldId));
    assertEquals("CANCELLED", cancelledPending.state());
    assertEquals(Optional.empty(), cancelledPending.startTime());

    Path busy = jobDir("sleeper");
    SlurmScript.write(busy, List.of("sleep", "600"), Optional.empty(), Map.of());
    long busyId = commands.submit(small(busy));
    SlurmWait.job(commands, busyId, Duration.ofSeconds(60), j -> j.state().equals("RUNNING"));
    long t0 = System.nanoTime();
    commands.cancel(busyId);
    SlurmJob cancelledRunning = SlurmWait.job(commands, busyId, Duration.ofSeconds(60), SlurmJob::terminal);
    System.out.printf("[slurm] cancelled while running, terminal after %d ms: %s exit_code=%s %s%n",
        (System.nanoTime() - t0) / 1_000_000, cancelledRunning, SlurmScript.exitCode(busy),
        facts(busyId));
    assertEquals("CANCELLED", cancelledRunning.state());

    // A job that ended, and one Slurm never had, count as cancelled.
    commands.cancel(busyId);
    commands.cancel(9_999_999L);
    assertEquals(Optional.empty(), commands.detail(9_999_999L));
  }

  @Test
  void findsAJobByItsExactName() throws Exception {
    Path dir = jobDir("byname");
    SlurmScript.write(dir, List.of("true"), Optional.empty(), Map.of());
    Submission s = small(dir);
    long id = commands.submit(s);
    Optional<SlurmJob> found = commands.findByName(s.name());
    assertEquals(Optional.of(id), found.map(SlurmJob::id));
    assertEquals(Optional.empty(), commands.findByName(s.name() + "-never-submitted"));
    // A prefix of a name is not the name.
    assertEquals(Optional.empty(), commands.findByName(s.name().substring(0, s.name().length() - 1)));
  }

  @Test
  void saysUnreachableWhileTheControllerIsDownAndWorksAgainAfter() throws Exception {
    Path dir = jobDir("outage");
    SlurmScript.write(dir, List.of("sleep", "5"), Optional.empty(), Map.of());
    long id = commands.submit(small(dir));
    SlurmWait.job(commands, id, Duration.ofSeconds(60), j -> j.state().equals("RUNNING"));
    slurm.stopController();
    long down = System.nanoTime();
    try {
      long t0 = System.nanoTime();
      SlurmException e = assertThrows(SlurmException.class, () -> commands.jobs());
      System.out.printf("[slurm] squeue with slurmctld down failed after %d ms: %s%n",
          (System.nanoTime() - t0) / 1_000_000, e.getMessage());
      assertTrue(e.unreachable(), e.getMessage());
      long t1 = System.nanoTime();
      Path refused = jobDir("down");
      SlurmScript.write(refused, List.of("true"), Optional.empty(), Map.of());
      SlurmException s = assertThrows(SlurmException.class, () -> commands.submit(small(refused)));
      System.out.printf("[slurm] sbatch with slurmctld down failed after %d ms: %s%n",
          (System.nanoTime() - t1) / 1_000_000, s.getMessage());
      assertTrue(s.unreachable(), s.getMessage());
      SlurmException c = assertThrows(SlurmException.class, () -> commands.cancel(id));
      assertTrue(c.unreachable(), c.getMessage());
      // An outage of about 20 s, long enough for the job to end while no controller listens.
      while (System.nanoTime() - down < Duration.ofSeconds(20).toNanos()) {
        assertTrue(assertThrows(SlurmException.class, () -> commands.jobs()).unreachable());
      }
      assertEquals(Optional.of(0), SlurmScript.exitCode(dir));
    } finally {
      slurm.startController();
    }
    long up = System.nanoTime();
    SlurmJob seen = commands.jobs().get(id);
    SlurmJob after = SlurmWait.job(commands, id, Duration.ofSeconds(90), SlurmJob::terminal);
    System.out.printf("[slurm] job that ended during a %d s outage: first seen after restart %s, "
        + "terminal %d ms after restart: %s%n", (up - down) / 1_000_000_000, seen,
        (System.nanoTime() - up) / 1_000_000, after);
    assertEquals("COMPLETED", after.state());
  }

  @Test
  void refusesAnUnknownPartitionWithoutCallingItUnreachable() throws Exception {
    Path dir = jobDir("nopart");
    SlurmScript.write(dir, List.of("true"), Optional.empty(), Map.of());
    Submission s = small(dir);
    Submission bad = new Submission(s.name(), dir, Optional.of("no-such-partition"), 1, s.memMb(),
        Optional.empty(), "");
    SlurmException e = assertThrows(SlurmException.class, () -> commands.submit(bad));
    System.out.println("[slurm] unknown partition: " + e.getMessage());
    assertFalse(e.unreachable());
  }

  /** What scontrol still tells of a job: state, reason, exit code (code:signal). */
  static String facts(long id) throws SlurmException {
    return commands.detail(id).map(d -> String.join(" ", List.of("JobState", "Reason", "ExitCode",
        "RunTime").stream().map(k -> k + "=" + SlurmCommands.field(d, k).orElse("?")).toList()))
        .orElse("(scontrol: unknown job)");
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
