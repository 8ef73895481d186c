package org.galley.handler.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.galley.core.destinations.Destination;
import org.galley.core.destinations.Resources;
import org.galley.core.tools.CommandLine;
import org.galley.handler.runner.AttemptName;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local runner does with a tool's resource request: slots and memory reach the job, memory is a limit. */
class LocalResourcesTest {
  @TempDir Path dir;
  private final LocalRunner runner = new LocalRunner(Duration.ZERO, LocalRunnerTest.BLOCKING);

  private RunOutcome run(List<String> argv, Resources resources) throws Exception {
    RunRequest request = new RunRequest(new AttemptName("main", 1, 1), dir, new CommandLine(argv, Optional.empty(), Map.of()),
        resources, Destination.plain(Destination.LOCAL, Destination.LOCAL));
    return runner.start(request).outcome().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theJobSeesItsSlotsAndMemory() throws Exception {
    RunOutcome o = run(List.of("sh", "-c", "echo \"$GALLEY_SLOTS $GALLEY_MEMORY_MB\""),
        new Resources(3, OptionalLong.of(256), Optional.empty()));
    assertEquals(0, o.exitCode());
    assertEquals("3 256\n", Files.readString(dir.resolve("stdout")));
  }

  @Test
  void aJobOverItsMemoryFailsInsideTheTool() throws Exception {
    List<String> hog = List.of("perl", "-e", "my $x = 'a' x 400_000_000; print qq(allocated\\n)");
    RunOutcome limited = run(hog, new Resources(1, OptionalLong.of(100), Optional.empty()));
    assertNotEquals(0, limited.exitCode(), "400 MB under a 100 MB limit");
    assertEquals("", Files.readString(dir.resolve("stdout")));
  }

  @Test
  void theOutcomeSaysWhatTheToolUsed() throws Exception {
    // 80 MB held while it counts: its max RSS is at least that, and far below a gigabyte.
    RunOutcome o = run(List.of("perl", "-e", "my $x = 'a' x 80_000_000; my $i = 0; $i++ while $i < 20_000_000"),
        Resources.NONE);
    assertEquals(0, o.exitCode());
    assertTrue(o.usage().cpuUserSeconds().orElseThrow() > 0.05, o.usage()::toString);
    assertTrue(o.usage().cpuSystemSeconds().isPresent(), o.usage()::toString);
    assertTrue(o.usage().runtime().orElseThrow().toMillis() >= 50, o.usage()::toString);
    long peak = o.usage().peakMemoryBytes().orElseThrow();
    assertTrue(peak >= 80_000_000 && peak < 1_000_000_000L, o.usage()::toString);
    assertTrue(o.usage().exitSignal().isEmpty(), "it exited: " + o.usage());
  }

  @Test
  void aToolEndedByASignalReportsTheSignal() throws Exception {
    RunOutcome o = run(List.of("sh", "-c", "kill -s USR1 $$"), Resources.NONE);
    assertEquals(128 + 10, o.exitCode());
    assertEquals(10, o.usage().exitSignal().orElseThrow(), o.usage()::toString);
    assertTrue(o.usage().peakMemoryBytes().isPresent(), o.usage()::toString);
  }

  @Test
  void aJobKilledByTheRunnerReportsTheSignalItGot() throws Exception {
    RunRequest request = new RunRequest(new AttemptName("main", 1, 1), dir,
        new CommandLine(List.of("sleep", "30"), Optional.empty(), Map.of()), Resources.NONE,
        Destination.plain(Destination.LOCAL, Destination.LOCAL));
    var job = runner.start(request);
    job.kill(); // no kill grace here: SIGKILL to the group at once
    RunOutcome o = job.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(RunOutcome.Ending.KILLED, o.ending());
    assertEquals(9, o.usage().exitSignal().orElseThrow(), o.usage()::toString);
  }

  @Test
  void aToolWithoutARequestRunsAsItIs() {
    RunRequest plain = RunRequest.local(1, 1, dir, new CommandLine(List.of("true"), Optional.empty(), Map.of()), Optional.empty());
    assertEquals(List.of("true"), LocalRunner.withResources(plain));
  }
}
