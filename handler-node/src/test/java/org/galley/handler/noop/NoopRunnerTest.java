package org.galley.handler.noop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.galley.core.tools.CommandLine;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunRequest;
import org.galley.handler.runner.RunningJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoopRunnerTest {
  @TempDir Path dir;

  private RunningJob start() {
    return new NoopRunner().start(RunRequest.local(7, 1, dir, new CommandLine(List.of("true"), Optional.empty(), Map.of()),
        Optional.empty()), org.galley.handler.runner.Progress.NONE);
  }

  @Test
  void endsAtOnceWithExitCodeZero() throws Exception {
    RunningJob work = start();

    assertTrue(work.outcome().toCompletableFuture().isDone(), "no process to wait for");
    RunOutcome outcome = work.outcome().toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertTrue(outcome.succeeded());
    assertEquals(0, outcome.exitCode());
    assertEquals(NoopRunner.EXTERNAL_ID, work.externalId());
    assertEquals(dir, work.directory());
  }

  @Test
  void aKillAfterTheEndChangesNothing() throws Exception {
    RunningJob work = start();
    work.kill();

    assertEquals(RunOutcome.Ending.EXITED, work.outcome().toCompletableFuture().get(1, TimeUnit.SECONDS).ending());
  }

  @Test
  void isChosenByTheNameNoop() {
    assertEquals("noop", new NoopRunner().name());
  }
}
