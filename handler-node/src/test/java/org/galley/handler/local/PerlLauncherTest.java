package org.galley.handler.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.galley.core.tools.CommandLine;
import org.galley.handler.Eventually;
import org.galley.handler.ProcessTable;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunRequest;
import org.galley.handler.runner.RunningJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher process itself going away: its jobs are not lost, and the next start gets a new one. */
class PerlLauncherTest {
  @TempDir
  Path dir;

  private final LocalRunner runner = new LocalRunner(Duration.ZERO, LocalRunnerTest.BLOCKING,
      LocalRunner.ProcessLauncher.PERL);

  private RunningJob start(String name, List<String> argv) throws Exception {
    Path attempt = Files.createDirectory(dir.resolve(name));
    return runner.start(RunRequest.local(1, 1, attempt, new CommandLine(argv, Optional.empty(), Map.of()), Optional.empty()));
  }

  private static void killLauncher(PerlLauncher launcher) throws Exception {
    ProcessHandle handle = ProcessHandle.of(launcher.pid()).orElseThrow();
    handle.destroyForcibly();
    handle.onExit().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aJobOutlivesItsLauncherAndItsExitCodeIsStillRead() throws Exception {
    PerlLauncher before = PerlLauncher.shared();
    // Ends once the file "go" exists: after the launcher is gone.
    RunningJob job = start("outlives", List.of("sh", "-c", "while [ ! -f go ]; do sleep 0.05; done; exit 5"));
    killLauncher(before);
    Files.createFile(job.directory().resolve("go"));
    RunOutcome outcome = job.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(RunOutcome.exited(5), outcome, "the leader wrote exit_code without the launcher");

    RunningJob next = start("next", List.of("true"));
    assertEquals(RunOutcome.exited(0), next.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertNotEquals(before.pid(), PerlLauncher.shared().pid(), "a new launcher");
  }

  @Test
  void aJobWhoseLauncherDiedCanStillBeKilled() throws Exception {
    RunningJob job = start("killed", List.of("sleep", "100"));
    killLauncher(PerlLauncher.shared());
    job.kill();
    RunOutcome outcome = job.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(RunOutcome.Ending.KILLED, outcome.ending());
    long pgid = Long.parseLong(job.externalId());
    Eventually.within(Duration.ofSeconds(2), () -> assertEquals(List.of(), ProcessTable.livingMembers(pgid)));
  }
}
