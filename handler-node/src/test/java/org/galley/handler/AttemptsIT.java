package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.galley.core.db.Database;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.NewJob;
import org.galley.core.testing.TestDatabase;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolRegistry;
import org.galley.handler.HandlerState.StopReason;
import org.galley.handler.local.LocalRunner;
import org.galley.handler.noop.NoopRunner;
import org.galley.handler.runner.JobDirectories;
import org.galley.handler.runner.RunOutcome;
import org.galley.handler.runner.RunningJob;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocking steps of an attempt against a real table, in the orders the actor cannot force:
 * a cancel or a requeue that slips in between claim, start and end.
 */
class AttemptsIT {
  private static final String HANDLER = "h-attempts";
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final ExecutorService BLOCKING = Executors.newCachedThreadPool();
  static Database db;
  static JobStore store;

  @TempDir
  Path jobsDir;

  private Attempts attempts;
  private String pool;

  @BeforeAll
  static void openDatabase() {
    db = TestDatabase.fresh();
    store = new JobStore(db.dataSource());
  }

  @AfterAll
  static void closeDatabase() throws Exception {
    db.close();
    BLOCKING.shutdownNow();
  }

  @BeforeEach
  void newPool() {
    pool = "attempts-" + POOLS.incrementAndGet();
    JobDirectories dirs = new JobDirectories(jobsDir);
    LocalRunner local = new LocalRunner(Duration.ZERO, BLOCKING, LocalRunner.ProcessLauncher.PERL, dirs);
    NoopRunner noop = new NoopRunner(dirs);
    attempts = new Attempts(HANDLER, "main", store, HandlerHarness.TOOLS, Map.of(local.name(), local, noop.name(), noop),
        org.galley.core.settings.JobLimits.NONE, java.util.Optional.empty(), 3);
  }

  /** A sleep job, claimed in the table by this handler. */
  private Job claimedSleep(int seconds) {
    Tool sleep = HandlerHarness.TOOLS.find("sleep").orElseThrow();
    store.insert(new NewJob("alice", "sleep", sleep.version(),
        ToolRegistry.validate(sleep, Map.of("seconds", seconds)), pool));
    List<Job> claimed = store.claimNew(pool, HANDLER, 1);
    assertEquals(1, claimed.size());
    return claimed.get(0);
  }

  private static RunOutcome outcomeOf(RunningJob work) throws Exception {
    return work.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private JobState state(Job job) {
    return store.find(job.id()).orElseThrow().state();
  }

  @Test
  void aNoopJobGoesThroughRunningToOkWithExitCodeZeroAndNoProcess() throws Exception {
    store.insert(new NewJob("alice", "noop", "1.0", Map.of(), pool));
    Job job = store.claimNew(pool, HANDLER, 1).get(0);
    Attempts.Started started = assertInstanceOf(Attempts.Started.class, attempts.start(job, org.galley.handler.runner.Progress.NONE));
    assertTrue(started.marked());
    Job running = store.find(job.id()).orElseThrow();
    assertEquals(JobState.RUNNING, running.state());
    assertEquals("noop", running.runner());
    assertEquals("noop", running.externalId());
    attempts.ends().recordEnd(job.id(), job.attempt(), started.work(), outcomeOf(started.work()), StopReason.NONE);
    Job after = store.find(job.id()).orElseThrow();
    assertEquals(JobState.OK, after.state());
    assertEquals(0, after.exitCode());
    assertFalse(Files.exists(after.workingDirectory() == null ? jobsDir.resolve("none") : Path.of(after.workingDirectory(), "pid")),
        "no wrapper ran");
  }

  @Test
  void aStartThatLosesToACancelSaysSoAndTheJobEndsDeleted() throws Exception {
    Job job = claimedSleep(100);
    store.cancel(job.id());
    Attempts.Started started = assertInstanceOf(Attempts.Started.class, attempts.start(job, org.galley.handler.runner.Progress.NONE));
    assertFalse(started.marked(), "the job was deleting, not queued");
    started.work().kill();
    attempts.ends().recordEnd(job.id(), job.attempt(), started.work(), outcomeOf(started.work()), StopReason.CANCEL);
    assertEquals(JobState.DELETED, state(job));
  }

  @Test
  void aStartThatLosesToARequeueLeavesTheNextAttemptAlone() throws Exception {
    Job job = claimedSleep(100);
    store.ends().requeue(job.id(), job.attempt(), "handler lost");
    Attempts.Started started = assertInstanceOf(Attempts.Started.class, attempts.start(job, org.galley.handler.runner.Progress.NONE));
    assertFalse(started.marked());
    started.work().kill();
    attempts.ends().recordEnd(job.id(), job.attempt(), started.work(), outcomeOf(started.work()), StopReason.CANCEL);
    Job after = store.find(job.id()).orElseThrow();
    assertEquals(JobState.NEW, after.state());
    assertEquals(2, after.attempt());
  }

  @Test
  void anEndThatLostToACancelDeletesTheJob() throws Exception {
    Job job = claimedSleep(0);
    Attempts.Started started = assertInstanceOf(Attempts.Started.class, attempts.start(job, org.galley.handler.runner.Progress.NONE));
    assertTrue(started.marked());
    store.cancel(job.id());
    attempts.ends().recordEnd(job.id(), job.attempt(), started.work(), outcomeOf(started.work()), StopReason.NONE);
    Job after = store.find(job.id()).orElseThrow();
    assertEquals(JobState.DELETED, after.state());
    assertEquals(0, after.exitCode());
  }

  @Test
  void aJobThatEndedByItselfWhileTheHandlerStopsIsRecordedNotGivenBack() throws Exception {
    Job job = claimedSleep(0);
    Attempts.Started started = assertInstanceOf(Attempts.Started.class, attempts.start(job, org.galley.handler.runner.Progress.NONE));
    attempts.ends().recordEnd(job.id(), job.attempt(), started.work(), outcomeOf(started.work()), StopReason.SHUTDOWN);
    assertEquals(JobState.OK, state(job));
  }

  @Test
  void aJobKilledBecauseTheHandlerStopsIsGivenBackUnderTheNextAttempt() throws Exception {
    Job job = claimedSleep(100);
    Attempts.Started started = assertInstanceOf(Attempts.Started.class, attempts.start(job, org.galley.handler.runner.Progress.NONE));
    started.work().kill();
    attempts.ends().recordEnd(job.id(), job.attempt(), started.work(), outcomeOf(started.work()), StopReason.SHUTDOWN);
    Job after = store.find(job.id()).orElseThrow();
    assertEquals(JobState.NEW, after.state());
    assertEquals(2, after.attempt());
    assertEquals("handler h-attempts stopped", after.info());
  }

  @Test
  void aLaterAttemptRunsInAFreshDirectoryAndKeepsTheEarlierOne() throws Exception {
    Job first = claimedSleep(0);
    Attempts.Started one = assertInstanceOf(Attempts.Started.class, attempts.start(first, org.galley.handler.runner.Progress.NONE));
    outcomeOf(one.work());
    store.ends().requeue(first.id(), first.attempt(), "handler lost");
    Job second = store.claimNew(pool, HANDLER, 1).get(0);
    Attempts.Started two = assertInstanceOf(Attempts.Started.class, attempts.start(second, org.galley.handler.runner.Progress.NONE));
    outcomeOf(two.work());
    assertEquals(jobsDir.resolve(Long.toString(first.id())), one.work().directory());
    assertEquals(jobsDir.resolve(first.id() + ".a2"), two.work().directory());
    assertTrue(Files.exists(one.work().directory().resolve("exit_code")));
    assertEquals(two.work().directory().toString(), store.find(first.id()).orElseThrow().workingDirectory());
  }

  @Test
  void inputsTheToolNoLongerAcceptsEndTheJobInErrorWithoutRunningIt() {
    Tool sleep = HandlerHarness.TOOLS.find("sleep").orElseThrow();
    store.insert(new NewJob("alice", "sleep", sleep.version(), Map.of("seconds", 99999L), pool));
    Job job = store.claimNew(pool, HANDLER, 1).get(0);
    Attempts.NotStarted not = assertInstanceOf(Attempts.NotStarted.class, attempts.start(job, org.galley.handler.runner.Progress.NONE));
    Job after = store.find(job.id()).orElseThrow();
    assertEquals(JobState.ERROR, after.state());
    assertEquals(not.why(), after.info());
    assertEquals("inputs no longer accepted by tool sleep: parameter 'seconds' must be at most 3600, got 99999", after.info());
  }
}
