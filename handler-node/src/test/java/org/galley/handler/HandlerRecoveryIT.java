package org.galley.handler;

import org.galley.core.job.JobEnds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.galley.core.job.Job;
import org.galley.core.job.NewJob;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolRegistry;
import org.galley.handler.local.AttemptMarker;
import org.galley.handler.local.LocalRunner;
import org.galley.handler.local.ProcessGroups;
import org.galley.handler.local.ProcessIdentity;
import org.galley.handler.runner.JobDirectories;
import org.galley.handler.runner.RunRequest;
import org.galley.handler.runner.RunningJob;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A handler restarted under the same server name takes back what its previous incarnation held. The
 * previous incarnation is simulated: the job is claimed in the table under the handler's name and
 * started with the local runner as a handler would, then a new handler starts on the same jobs
 * directory. (The runner here does not enforce walltimes: a dead JVM would not either.)
 */
class HandlerRecoveryIT extends HandlerFixture {
  private static final ExecutorService BLOCKING = Executors.newCachedThreadPool();
  private final LocalRunner previousRunner = new LocalRunner(Duration.ZERO, BLOCKING);

  @AfterAll
  static void stopExecutor() {
    BLOCKING.shutdownNow();
  }

  private HandlerHarness restart(String name, int workers) {
    handler = new HandlerHarness(store, varDir, name, workers, Duration.ofMillis(200));
    return handler;
  }

  /** A job of the handler's pool, claimed in the table by the previous incarnation. */
  private Job claimedBefore(String name, String toolId, Map<String, Object> inputs) {
    Tool tool = HandlerHarness.TOOLS.find(toolId).orElseThrow();
    store.insert(new NewJob("alice", toolId, tool.version(), ToolRegistry.validate(tool, inputs), "pool-" + name));
    List<Job> claimed = store.claimNew("pool-" + name, name, 1);
    assertEquals(1, claimed.size());
    return claimed.get(0);
  }

  /** Started by the previous incarnation's runner; not marked running in the table. */
  private RunningJob startedBefore(Job job) throws Exception {
    Tool tool = HandlerHarness.TOOLS.find(job.toolId()).orElseThrow();
    Path dir = new JobDirectories(varDir.resolve("jobs")).prepare(job.id(), job.attempt());
    return previousRunner.start(RunRequest.local(job.id(), job.attempt(), dir,
        ToolRegistry.render(tool, job.inputs(), dir), Optional.empty()));
  }

  /** Claimed, started and marked running by the previous incarnation, which then died. */
  private Job runningBefore(String name, String toolId, Map<String, Object> inputs) throws Exception {
    Job job = claimedBefore(name, toolId, inputs);
    RunningJob work = startedBefore(job);
    assertTrue(store.markRunning(job.id(), job.attempt(), name, LocalRunner.NAME, work.externalId(),
        work.directory().toString()));
    return store.find(job.id()).orElseThrow();
  }

  private static long pgid(Job job) {
    return Long.parseLong(job.externalId());
  }

  private static void assertGroupGone(long pgid) {
    Eventually.within(Duration.ofSeconds(5), () -> assertEquals(List.of(), ProcessTable.livingMembers(pgid)));
  }

  @Test
  void aJobStillRunningIsAdoptedHoldsASlotAndEndsOkUnderTheSameAttempt() throws Exception {
    Job job = runningBefore("h-adopt", "gate", Map.of());
    HandlerHarness h = restart("h-adopt", 2);
    assertEquals(new HandlerCapacity(h.node.handler(), "h-adopt", 1, false),
        h.announcements.expectMessageClass(HandlerCapacity.class, HandlerHarness.DEADLINE), "the adopted job holds a slot");
    assertEquals(1, h.describe().running());
    assertTrue(ProcessIdentity.of(pgid(job)).orElseThrow().alive(), "adopted, not killed");

    h.openGate(job.id());
    Job done = h.await(job.id(), JobState.OK);
    assertEquals(1, done.attempt());
    assertEquals(0, done.exitCode());
    assertEquals("passed\n", Files.readString(Path.of(done.workingDirectory()).resolve("stdout")));
    assertFalse(Files.exists(Path.of(done.workingDirectory()).resolve(AttemptMarker.FILE)));
  }

  @Test
  void jobsThatEndedWhileTheHandlerWasAwayAreReadFromTheirExitCodes() throws Exception {
    Job passed = runningBefore("h-ended", "gate", Map.of());
    Job failed = runningBefore("h-ended", "fail", Map.of("code", 3));
    Files.writeString(Path.of(passed.workingDirectory()).resolve("go"), "");
    for (Job j : List.of(passed, failed)) {
      Eventually.within(HandlerHarness.DEADLINE,
          () -> assertTrue(Files.exists(Path.of(j.workingDirectory()).resolve("exit_code"))));
      assertGroupGone(pgid(j));
    }
    HandlerHarness h = restart("h-ended", 2);
    Job ok = h.await(passed.id(), JobState.OK);
    assertEquals(1, ok.attempt());
    assertEquals(0, ok.exitCode());
    Job error = h.await(failed.id(), JobState.ERROR);
    assertEquals(1, error.attempt());
    assertEquals(3, error.exitCode());
    assertEquals("exit code 3", error.info());
  }

  @Test
  void aJobGoneWithoutAnExitCodeIsRequeuedNotFailed() throws Exception {
    Job job = runningBefore("h-lost", "gate", Map.of());
    ProcessGroups.signal(pgid(job), "KILL");
    assertGroupGone(pgid(job));
    HandlerHarness h = restart("h-lost", 1);
    Job back = h.await(job.id(), JobState.NEW);
    assertEquals(2, back.attempt());
    assertNull(back.handler());
    assertEquals("lost when handler h-lost restarted", back.info());
  }

  @Test
  void aJobThatKeepsBeingLostWithItsHandlerEndsInErrorOnItsLastAttemptSayingSo() throws Exception {
    Tool tool = HandlerHarness.TOOLS.find("gate").orElseThrow();
    Job job = store.insert(new NewJob("alice", "gate", tool.version(), ToolRegistry.validate(tool, Map.of()), "pool-h-poison"));
    for (int attempt = 1; attempt <= 2; attempt++) { // lost twice already, with other handlers
      assertEquals(1, store.claimNew("pool-h-poison", "elsewhere", 1).size());
      assertTrue(store.ends().requeueCounted(job.id(), attempt, 3, "handler elsewhere left the cluster"));
    }
    assertEquals(1, store.claimNew("pool-h-poison", "h-poison", 1).size());
    Path dir = new JobDirectories(varDir.resolve("jobs")).prepare(job.id(), 3);
    RunningJob work = previousRunner.start(RunRequest.local(job.id(), 3, dir, ToolRegistry.render(tool, job.inputs(), dir),
        Optional.empty()));
    assertTrue(store.markRunning(job.id(), 3, "h-poison", LocalRunner.NAME, work.externalId(), dir.toString()));
    ProcessGroups.signal(Long.parseLong(work.externalId()), "KILL"); // it died with its handler, a third time
    assertGroupGone(Long.parseLong(work.externalId()));
    HandlerHarness h = restart("h-poison", 1);
    Job last = h.await(job.id(), JobState.ERROR);
    assertEquals(3, last.attempt());
    assertEquals(org.galley.core.job.JobEnds.lastAttemptInfo("lost when handler h-poison restarted", 3), last.info());
  }

  @Test
  void aProcessThatNowHoldsTheJobsPidIsNeitherAdoptedNorKilled() throws Exception {
    Job job = runningBefore("h-reused", "gate", Map.of());
    Path dir = Path.of(job.workingDirectory());
    ProcessIdentity real = AttemptMarker.read(dir).orElseThrow();
    // As if the job had died and its pid been given to this process since: another start time.
    AttemptMarker.write(dir, new ProcessIdentity(real.pid(), real.startTime() + 1));
    HandlerHarness h = restart("h-reused", 1);
    Job back = h.await(job.id(), JobState.NEW);
    assertEquals(2, back.attempt());
    assertTrue(real.alive(), "the process with the other start time was left alone");
    ProcessGroups.signal(real.pid(), "KILL");
  }

  @Test
  void aClaimedJobWhoseProcessStartedButWasNotMarkedIsKilledAndRequeued() throws Exception {
    Job job = claimedBefore("h-queued", "gate", Map.of());
    RunningJob work = startedBefore(job);
    // The JVM died right after the start, before the marker: the wrapper's pid file tells.
    Files.delete(work.directory().resolve(AttemptMarker.FILE));
    HandlerHarness h = restart("h-queued", 1);
    Job back = h.await(job.id(), JobState.NEW);
    assertEquals(2, back.attempt());
    assertEquals("handler h-queued restarted before the job started", back.info());
    assertGroupGone(Long.parseLong(work.externalId()));
  }

  @Test
  void aJobBeingCancelledIsKilledAndDeleted() throws Exception {
    Job job = runningBefore("h-deleting", "gate", Map.of());
    store.cancel(job.id());
    HandlerHarness h = restart("h-deleting", 1);
    assertEquals(1, h.await(job.id(), JobState.DELETED).attempt());
    assertGroupGone(pgid(job));
  }

  @Test
  void anAdoptedJobCanBeCancelled() throws Exception {
    Job job = runningBefore("h-adopt-cancel", "gate", Map.of());
    HandlerHarness h = restart("h-adopt-cancel", 1);
    assertEquals(0, h.announcements.expectMessageClass(HandlerCapacity.class, HandlerHarness.DEADLINE).freeSlots());
    store.cancel(job.id());
    h.publishCancel(job.id());
    h.await(job.id(), JobState.DELETED);
    assertGroupGone(pgid(job));
  }

  @Test
  void anAdoptedJobIsKilledAtItsWalltimeCountedFromItsStart() throws Exception {
    Job job = runningBefore("h-adopt-walltime", "nap", Map.of());
    HandlerHarness h = restart("h-adopt-walltime", 1);
    Job failed = h.await(job.id(), JobState.ERROR);
    assertEquals("walltime of 1 s exceeded", failed.info());
    assertEquals(1, failed.attempt());
    assertGroupGone(pgid(job));
  }
}
