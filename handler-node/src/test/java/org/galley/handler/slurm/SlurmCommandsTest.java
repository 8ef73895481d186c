package org.galley.handler.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlurmCommandsTest {
  private static final Path DIR = Path.of("/jobs/7");

  @Test
  void buildsSbatchArgvWithOptionsThenNativeSpecificationThenScript() {
    Submission s = new Submission("galley-7-a1", DIR, Optional.of("big"), 4, Optional.of(2048L),
        Optional.of(Duration.ofSeconds(61)), "  --qos=low\t--account=x ");
    assertEquals(List.of("sbatch", "--parsable", "--job-name=galley-7-a1", "--chdir=/jobs/7",
        "--output=/jobs/7/stdout", "--error=/jobs/7/stderr", "--no-requeue", "--partition=big",
        "--cpus-per-task=4", "--mem=2048M", "--time=2", "--qos=low", "--account=x", "/jobs/7/job.sh"),
        SlurmCommands.sbatchArgv(s));
  }

  @Test
  void leavesOutWhatTheSubmissionDoesNotSay() {
    assertEquals(List.of("sbatch", "--parsable", "--job-name=n", "--chdir=/jobs/7", "--output=/jobs/7/stdout",
        "--error=/jobs/7/stderr", "--no-requeue", "/jobs/7/job.sh"),
        SlurmCommands.sbatchArgv(Submission.of("n", DIR)));
  }

  @Test
  void roundsWalltimeUpToWholeMinutesAtLeastOne() {
    assertEquals("--time=1", time(Duration.ofSeconds(1)));
    assertEquals("--time=1", time(Duration.ofSeconds(60)));
    assertEquals("--time=2", time(Duration.ofMillis(60_001)));
    assertEquals("--time=120", time(Duration.ofHours(2)));
  }

  private static String time(Duration d) {
    List<String> argv = SlurmCommands.sbatchArgv(Submission.of("n", DIR).withWalltime(d));
    return argv.stream().filter(a -> a.startsWith("--time=")).findFirst().orElseThrow();
  }

  @Test
  void refusesNamesSqueueCouldNotGiveBack() {
    for (String bad : List.of("", "a b", "a|b", "a,b", "a\nb")) {
      assertThrows(IllegalArgumentException.class, () -> Submission.of(bad, DIR), bad);
    }
  }

  @Test
  void parsesTheParsableJobIdWithOrWithoutCluster() throws Exception {
    assertEquals(42, SlurmCommands.parseJobId("42\n", List.of("sbatch")));
    assertEquals(43, SlurmCommands.parseJobId("43;galley\n", List.of("sbatch")));
    assertThrows(SlurmException.class, () -> SlurmCommands.parseJobId("Submitted batch job 4", List.of("sbatch")));
  }

  @Test
  void parsesSqueueLines() throws Exception {
    SlurmJob running = SlurmCommands.parseLine("12|RUNNING|2026-12-01T09:01:02|vm|None|galley-1-a1", ZoneOffset.UTC);
    assertEquals(new SlurmJob(12, "galley-1-a1", "RUNNING", "None",
        Optional.of(Instant.parse("2026-12-01T09:01:02Z"))), running);
    SlurmJob pending = SlurmCommands.parseLine("13|PENDING|2026-12-01T10:00:00||Resources|n", ZoneOffset.UTC);
    assertEquals(Optional.empty(), pending.startTime());
    assertTrue(pending.pending());
    SlurmJob neverRan = SlurmCommands.parseLine("14|CANCELLED|2026-12-01T10:00:00||JobHeldUser|n", ZoneOffset.UTC);
    assertEquals(Optional.empty(), neverRan.startTime());
    assertTrue(neverRan.terminal());
    assertEquals(Optional.empty(), SlurmCommands.parseLine("15|RUNNING|N/A|vm|None|n", ZoneOffset.UTC).startTime());
    assertThrows(SlurmException.class, () -> SlurmCommands.parseLine("garbage", ZoneOffset.UTC));
  }

  @Test
  void normalizesStateSpellings() {
    assertEquals("CANCELLED", SlurmJob.normalizeState("CANCELLED by 0"));
    assertEquals("CANCELLED", SlurmJob.normalizeState("CANCELLED+"));
    assertEquals("OUT_OF_MEMORY", SlurmJob.normalizeState(" out_of_memory "));
  }

  @Test
  void countsAnUnknownOrFinishedJobAsCancelled() {
    assertTrue(SlurmCommands.alreadyGone("scancel: error: Kill job error on job id 9: Invalid job id specified"));
    assertTrue(SlurmCommands.alreadyGone("scancel: error: Kill job error on job id 9: Job/step already completing or completed"));
    assertFalse(SlurmCommands.alreadyGone("scancel: error: Unable to contact slurm controller (connect failure)"));
  }

  @Test
  void readsFieldsOfAnScontrolLine() {
    String line = "JobId=5 JobName=n JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15 RunTime=00:01:26";
    assertEquals(Optional.of("0:15"), SlurmCommands.field(line, "ExitCode"));
    assertEquals(Optional.of("TIMEOUT"), SlurmCommands.field(line, "JobState"));
    assertEquals(Optional.empty(), SlurmCommands.field(line, "Nope"));
  }

  @Test
  void keepsGalleySettingsFromTools() {
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/bin", "GALLEY_DB_PASSWORD", "x", "HOME", "/root"));
    CommandRun.withoutGalleySettings(env);
    assertEquals(Map.of("PATH", "/bin", "HOME", "/root"), env);
  }

  @Test
  void givesUpOnAToolThatHangsAndCallsItUnreachable() {
    long t0 = System.nanoTime();
    SlurmException e = assertThrows(SlurmException.class,
        () -> CommandRun.run(List.of("sleep", "30"), Map.of(), Duration.ofMillis(300)));
    assertTrue(e.unreachable(), e.getMessage());
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
  }

  @Test
  void reportsAMissingToolAsAnOrdinaryFailure() {
    SlurmException e = assertThrows(SlurmException.class,
        () -> CommandRun.run(List.of("no-such-slurm-tool"), Map.of(), Duration.ofSeconds(5)));
    assertFalse(e.unreachable());
    assertTrue(e.getMessage().contains("no-such-slurm-tool"), e.getMessage());
  }

  @Test
  void keepsADeepFixtureDirectoryOutOfTheSocketPathLimit() {
    Path shallow = Path.of("/work/x/target/slurm");
    assertEquals(shallow, SlurmFixture.directoryFor(shallow));
    Path deep = Path.of("/work/" + "d".repeat(120) + "/target/slurm");
    Path moved = SlurmFixture.directoryFor(deep);
    assertTrue(moved.resolve("sock").toString().length() <= 100, moved.toString());
    assertEquals(moved, SlurmFixture.directoryFor(deep));
  }

  @Test
  void tellsAnUnreachableControllerFromOtherFailures() {
    CommandRun.Result down = new CommandRun.Result(List.of("squeue"), 1, "",
        "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n");
    assertTrue(down.failure("squeue").unreachable());
    CommandRun.Result refused = new CommandRun.Result(List.of("sbatch"), 1, "",
        "sbatch: error: invalid partition specified: x\nmore\n");
    SlurmException e = refused.failure("sbatch");
    assertFalse(e.unreachable());
    assertEquals("sbatch failed: sbatch exited 1: sbatch: error: invalid partition specified: x", e.getMessage());
  }
}
