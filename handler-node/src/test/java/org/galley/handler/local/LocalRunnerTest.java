package org.galley.handler.local;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.galley.core.tools.CommandLine;
import org.galley.handler.Eventually;
import org.galley.handler.ProcessTable;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunRequest;
import org.galley.handler.runner.RunningJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes in a temporary directory. */
class LocalRunnerTest {
  /** Shared by the subclass too, so never shut down: daemon threads. */
  static final ExecutorService BLOCKING = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "local-runner-test");
    t.setDaemon(true);
    return t;
  });
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  /** A constant test tool whose grandchild is still running when its child is killed. */
  private static final List<String> TREE = List.of("sh", "-c", "sleep 100 & echo $! > grandchild; sleep 100");

  @TempDir
  Path dir;

  private final LocalRunner runner = runner(Duration.ZERO);

  /** The runner under test: the default, perl launcher; a subclass tests the other. */
  LocalRunner runner(Duration killGrace) {
    return new LocalRunner(killGrace, BLOCKING, LocalRunner.ProcessLauncher.PERL);
  }

  private RunningJob start(List<String> argv) throws IOException {
    return runner.start(RunRequest.local(1, 1, dir, new CommandLine(argv, Optional.empty(), Map.of()), Optional.empty()));
  }

  private static RunOutcome outcomeOf(RunningJob job) throws Exception {
    return job.outcome().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private String read(String file) throws IOException {
    return Files.readString(dir.resolve(file));
  }

  /** Waits for the test tool to name its grandchild's pid. */
  private long grandchild() {
    String[] pid = new String[1];
    Eventually.within(DEADLINE, () -> {
      pid[0] = readNow("grandchild").trim();
      assertFalse(pid[0].isEmpty());
    });
    return Long.parseLong(pid[0]);
  }

  /** Reads a file that may not be there yet, failing as an assertion so that polling retries. */
  private String readNow(String file) {
    try {
      return read(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * SIGKILL is sent to the group before the outcome completes, but a member dies when the kernel next
   * schedules it: a moment later, so this polls.
   */
  private static void assertGroupGone(long pgid, long... pids) {
    Eventually.within(Duration.ofSeconds(2), () -> {
      for (long pid : pids) {
        assertFalse(ProcessTable.living(pid), "process " + pid + " still lives");
      }
      assertEquals(List.of(), ProcessTable.livingMembers(pgid), "process group " + pgid + " still has members");
    });
  }

  @Test
  void recordsStdoutStderrPidAndTheExitCodeInTheJobDirectory() throws Exception {
    RunningJob job = start(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
    RunOutcome outcome = outcomeOf(job);
    assertEquals(new RunOutcome(RunOutcome.Ending.EXITED, 3, "exit code 3"), outcome);
    assertFalse(outcome.succeeded());
    assertEquals("out\n", read("stdout"));
    assertEquals("err\n", read("stderr"));
    assertEquals("3\n", read("exit_code"));
    assertEquals(job.externalId() + "\n", read("pid"));
  }

  @Test
  void aZeroExitCodeSucceeds() throws Exception {
    RunOutcome outcome = outcomeOf(start(List.of("true")));
    assertEquals(RunOutcome.exited(0), outcome);
    assertTrue(outcome.succeeded());
  }

  @Test
  void aProcessThatEndsAtOnceStillCountsAsStarted() throws Exception {
    // It may be reaped before the leadership check looks at /proc; that is an end, not a failed start.
    for (int i = 0; i < 300; i++) {
      assertEquals(RunOutcome.exited(0), outcomeOf(start(List.of("true"))), "run " + i);
    }
  }

  @Test
  void anUnknownCommandEndsWithExitCode127() throws Exception {
    assertEquals(127, outcomeOf(start(List.of("no-such-command-galley"))).exitCode());
    assertTrue(read("stderr").contains("not found"));
  }

  @Test
  void argumentsReachTheCommandLiterallyAndNoShellParsesThem() throws Exception {
    RunningJob job = start(List.of("echo", "$(touch pwned)", "`touch pwned2`", "; touch pwned3", "a b"));
    assertEquals(0, outcomeOf(job).exitCode());
    assertEquals("$(touch pwned) `touch pwned2` ; touch pwned3 a b\n", read("stdout"));
    assertFalse(Files.exists(dir.resolve("pwned")));
    assertFalse(Files.exists(dir.resolve("pwned2")));
    assertFalse(Files.exists(dir.resolve("pwned3")));
  }

  @Test
  void argumentsWithNewlinesNonAsciiOrEmptyArriveWhole() throws Exception {
    RunningJob job = start(List.of("printf", "%s|", "a\nb", "grün 中", "", "x"));
    assertEquals(0, outcomeOf(job).exitCode());
    assertEquals("a\nb|grün 中||x|", read("stdout"));
  }

  @Test
  void thePidLeadsItsOwnSessionAndProcessGroup() throws Exception {
    RunningJob job = start(List.of("sleep", "100"));
    long pid = Long.parseLong(job.externalId());
    // At once: a kill right after the start must find the group.
    ProcessTable.Stat stat = ProcessTable.stat(pid).orElseThrow();
    assertEquals(pid, stat.pgrp(), "process group id");
    assertEquals(pid, stat.session(), "session id");
    assertTrue(stat.ppid() == ProcessHandle.current().pid() || stat.ppid() == PerlLauncher.shared().pid(),
        "the leader is the JVM's or the launcher's child: setsid must not have forked");
    Eventually.within(DEADLINE, () -> assertEquals(pid + "\n", readNow("pid")));
    job.kill();
    assertEquals(RunOutcome.Ending.KILLED, outcomeOf(job).ending());
  }

  @Test
  void marksTheAttemptWithItsGroupLeadersPidAndStartTimeOnceItRuns() throws Exception {
    RunningJob job = start(List.of("sleep", "100"));
    long pid = Long.parseLong(job.externalId());
    ProcessIdentity marked = AttemptMarker.read(dir).orElseThrow();
    assertEquals(pid, marked.pid());
    assertEquals(ProcessIdentity.of(pid).orElseThrow(), marked, "start time as /proc has it");
    assertTrue(marked.alive());
    job.kill();
    outcomeOf(job);
    assertFalse(marked.alive(), "a dead process is not alive, even as long as its pid is not reused");
    assertFalse(new ProcessIdentity(ProcessHandle.current().pid(), 1).alive(), "another start time is another process");
  }

  @Test
  void walltimeKillsTheWholeGroupIncludingGrandchildren() throws Exception {
    RunningJob job = runner.start(RunRequest.local(1, 1, dir, new CommandLine(TREE, Optional.empty(), Map.of()),
        Optional.of(Duration.ofSeconds(1))));
    long grandchild = grandchild();
    RunOutcome outcome = outcomeOf(job);
    assertEquals(RunOutcome.Ending.WALLTIME_EXCEEDED, outcome.ending());
    assertEquals("walltime of 1 s exceeded", outcome.info());
    assertGroupGone(Long.parseLong(job.externalId()), grandchild);
  }

  @Test
  void killStopsTheWholeGroupAtOnce() throws Exception {
    RunningJob job = start(TREE);
    long grandchild = grandchild();
    job.kill();
    RunOutcome outcome = outcomeOf(job);
    assertEquals(RunOutcome.Ending.KILLED, outcome.ending());
    assertEquals(128 + 9, outcome.exitCode(), "the wrapper died of SIGKILL before writing exit_code");
    assertFalse(Files.exists(dir.resolve("exit_code")));
    assertGroupGone(Long.parseLong(job.externalId()), grandchild);
  }

  @Test
  void aKillRightAfterTheStartStopsTheJobEvenBeforeItsGroupExists() throws Exception {
    // Java returns from the start before setsid() has run, most of the time.
    for (int i = 0; i < 20; i++) {
      Path attempt = Files.createDirectory(dir.resolve("attempt-" + i));
      RunningJob job = runner.start(RunRequest.local(1, i, attempt, new CommandLine(TREE, Optional.empty(), Map.of()),
          Optional.empty()));
      job.kill();
      assertEquals(RunOutcome.Ending.KILLED, outcomeOf(job).ending());
      assertGroupGone(Long.parseLong(job.externalId()));
    }
  }

  @Test
  void aGroupThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    LocalRunner patient = runner(Duration.ofMillis(300));
    List<String> stubborn = List.of("sh", "-c", "trap '' TERM; sleep 100 & echo $! > grandchild; wait");
    RunningJob job = patient.start(RunRequest.local(1, 1, dir, new CommandLine(stubborn, Optional.empty(), Map.of()),
        Optional.empty()));
    long grandchild = grandchild();
    job.kill();
    assertEquals(RunOutcome.Ending.KILLED, outcomeOf(job).ending());
    assertGroupGone(Long.parseLong(job.externalId()), grandchild);
  }

  @Test
  void backgroundProcessesDoNotOutliveTheirJob() throws Exception {
    RunningJob job = start(List.of("sh", "-c", "sleep 100 & echo $! > grandchild"));
    assertEquals(0, outcomeOf(job).exitCode());
    assertGroupGone(Long.parseLong(job.externalId()), Long.parseLong(read("grandchild").trim()));
  }

  @Test
  void anEmptyExitCodeFileReadsAsNoExitCode() throws Exception {
    Files.writeString(dir.resolve("exit_code"), "");
    assertTrue(LocalRunner.readExitCode(dir).isEmpty());
    Files.writeString(dir.resolve("exit_code"), "7\n");
    assertEquals(Optional.of(7), LocalRunner.readExitCode(dir));
  }

  @Test
  void writesTheToolFilesFirstAndFeedsStdinFromOne() throws Exception {
    CommandLine sort = new CommandLine(List.of("sort"), Optional.of(Path.of("inputs/text")),
        Map.of(Path.of("inputs/text"), "b\nc\na\n"));
    RunningJob job = runner.start(RunRequest.local(1, 1, dir, sort, Optional.empty()));
    assertEquals(0, outcomeOf(job).exitCode());
    assertEquals("a\nb\nc\n", read("stdout"));
  }

  @Test
  void refusesToolFilesOutsideTheJobDirectoryOrOnTheRunnersNames() {
    for (String name : List.of("../escaped", "stdout", "exit_code", "pgid")) {
      CommandLine bad = new CommandLine(List.of("true"), Optional.empty(), Map.of(Path.of(name), "x"));
      assertThrows(IOException.class, () -> runner.start(RunRequest.local(1, 1, dir, bad, Optional.empty())), name);
    }
    assertFalse(Files.exists(dir.resolveSibling("escaped")));
  }
}
