package org.galley.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.galley.core.db.Database;
import org.galley.core.testing.TestDatabase;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JobStoreIT {
  static Database db;
  static JobStore store;

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh();
    store = new JobStore(db.dataSource());
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
  }

  static Job submit(String pool) {
    return store.insert(new NewJob("alice", "sort_lines", "1.0", Map.of("text", "b\na"), pool));
  }

  @Test
  void insertWritesANewJobAndItsHistory() throws SQLException {
    Job job = submit("p-insert");
    assertEquals(JobState.NEW, job.state());
    assertEquals(1, job.attempt());
    assertEquals(Map.of("text", "b\na"), job.inputs());
    assertNotNull(job.createTime());
    assertEquals(List.of("new"), history(job.id()));
  }

  @Test
  void insertAllWritesEveryJobInOrderWithItsHistoryInOneStatement() throws SQLException {
    List<NewJob> many = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(new NewJob(i % 2 == 0 ? "alice" : "bob", "sort_lines", "1.0", Map.of("text", "line " + i), "p-many"));
    }
    List<Job> jobs = store.insertAll(many);
    assertEquals(50, jobs.size());
    for (int i = 0; i < 50; i++) {
      assertEquals(Map.of("text", "line " + i), jobs.get(i).inputs());
      assertEquals(many.get(i).owner(), jobs.get(i).owner());
      assertEquals(JobState.NEW, jobs.get(i).state());
      assertEquals(List.of("new"), history(jobs.get(i).id()));
      if (i > 0) {
        assertTrue(jobs.get(i).id() > jobs.get(i - 1).id(), "ids grow in the order given");
      }
    }
    assertEquals(50, store.countNew("p-many"));
    assertEquals(List.of(), store.insertAll(List.of()));
  }

  @Test
  void finishAllEndsOnlyTheAttemptsStillHeldAndRecordsEach() throws SQLException {
    Job a = submit("p-finish-all");
    Job b = submit("p-finish-all");
    Job c = submit("p-finish-all");
    store.claimNew("p-finish-all", "h-finish-all", 10);
    assertTrue(store.markRunning(a.id(), 1, "h-finish-all", "noop", "noop", "/tmp/a"));
    store.cancel(b.id());                                   // b moved on: deleting
    assertTrue(store.ends().requeue(c.id(), 1, "lost"));            // c is attempt 2 now: attempt 1 is fenced off
    var won = store.ends().finishAll("h-finish-all", List.of(
        new JobEnds.Finish(a.id(), 1, JobState.OK, 0, null, JobUsage.NONE),
        new JobEnds.Finish(b.id(), 1, JobState.OK, 0, null, JobUsage.NONE),
        new JobEnds.Finish(c.id(), 1, JobState.ERROR, 3, "exit code 3", JobUsage.NONE)));
    assertEquals(java.util.Set.of(a.id()), won);
    assertEquals(JobState.OK, store.find(a.id()).orElseThrow().state());
    assertEquals(0, store.find(a.id()).orElseThrow().exitCode());
    assertEquals(List.of("new", "queued", "running", "ok"), history(a.id()));
    assertEquals(JobState.DELETING, store.find(b.id()).orElseThrow().state());
    assertEquals(JobState.NEW, store.find(c.id()).orElseThrow().state());
    assertEquals(java.util.Set.of(), store.ends().finishAll("h-finish-all", List.of()));
  }

  @Test
  void markStartedAllStartsOnlyTheAttemptsStillQueuedForTheHandlerAndRecordsEach() throws SQLException {
    Job a = submit("p-start-all");
    Job b = submit("p-start-all");
    Job c = submit("p-start-all");
    Job d = submit("p-start-all");
    store.claimNew("p-start-all", "h-start-all", 10);
    store.cancel(b.id());                                   // b moved on: deleting
    assertTrue(store.ends().requeue(c.id(), 1, "lost"));            // c is attempt 2 now: attempt 1 is fenced off
    RunnerSteps steps = store.runnerSteps();
    var marked = steps.markStartedAll("h-start-all", List.of(
        new RunnerSteps.Start(a.id(), 1, "local", "101", "/tmp/a", "local", true, null),
        new RunnerSteps.Start(b.id(), 1, "local", "102", "/tmp/b", "local", true, null),
        new RunnerSteps.Start(c.id(), 1, "local", "103", "/tmp/c", "local", true, null),
        new RunnerSteps.Start(d.id(), 1, "slurm", "7", "/tmp/d", "cluster", false, "submitted to cluster")));
    assertEquals(java.util.Set.of(a.id(), d.id()), marked);
    Job started = store.find(a.id()).orElseThrow();
    assertEquals(JobState.RUNNING, started.state());
    assertEquals("101", started.externalId());
    assertNotNull(started.startTime());
    assertEquals(List.of("new", "queued", "running"), history(a.id()));
    Job submitted = store.find(d.id()).orElseThrow();
    assertEquals(JobState.QUEUED, submitted.state(), "waits in its scheduler");
    assertEquals("submitted to cluster", submitted.info());
    assertEquals(null, submitted.startTime());
    assertEquals(JobState.DELETING, store.find(b.id()).orElseThrow().state());
    assertEquals(JobState.NEW, store.find(c.id()).orElseThrow().state());
    assertEquals(java.util.Set.of(), steps.markStartedAll("other-handler", List.of(
        new RunnerSteps.Start(a.id(), 1, "local", "101", "/tmp/a", "local", true, null))), "not its handler's");
    assertEquals(java.util.Set.of(), steps.markStartedAll("h-start-all", List.of()));
  }

  @Test
  void anEndCarriesWhatTheWorkUsedAloneInABatchAndOnDelete() {
    Job one = submit("p-usage");
    Job batched = submit("p-usage");
    Job unmeasured = submit("p-usage");
    Job cancelled = submit("p-usage");
    store.claimNew("p-usage", "h-usage", 10);
    JobUsage used = new JobUsage(1.25, 0.5, 104_857_600L, null);
    assertTrue(store.ends().finish(one.id(), 1, "h-usage", JobState.OK, 0, null, used));
    assertEquals(used, store.find(one.id()).orElseThrow().usage());
    JobUsage killed = new JobUsage(0.01, 0.02, 2_048_000L, 9);
    assertEquals(Set.of(batched.id(), unmeasured.id()), store.ends().finishAll("h-usage", List.of(
        new JobEnds.Finish(batched.id(), 1, JobState.ERROR, 137, "exit code 137", killed),
        new JobEnds.Finish(unmeasured.id(), 1, JobState.OK, 0, null, JobUsage.NONE))));
    assertEquals(killed, store.find(batched.id()).orElseThrow().usage());
    assertEquals(JobUsage.NONE, store.find(unmeasured.id()).orElseThrow().usage());
    store.cancel(cancelled.id());
    JobUsage term = new JobUsage(null, null, null, 15);
    assertTrue(store.ends().markDeleted(cancelled.id(), 1, 143, term));
    assertEquals(term, store.find(cancelled.id()).orElseThrow().usage());
    assertEquals(JobUsage.NONE, submit("p-usage").usage(), "a new job has none");
  }

  @Test
  void walksTheHappyPathAndRecordsEveryStep() throws SQLException {
    Job job = submit("p-happy");
    List<Job> claimed = store.claimNew("p-happy", "h1", 10);
    assertEquals(1, claimed.size());
    assertEquals(JobState.QUEUED, claimed.get(0).state());
    assertEquals("h1", claimed.get(0).handler());
    assertTrue(store.markRunning(job.id(), 1, "h1", "local", "1234", "/tmp/x"));
    assertTrue(store.ends().finish(job.id(), 1, "h1", JobState.OK, 0, null, JobUsage.NONE));
    Job done = store.find(job.id()).orElseThrow();
    assertEquals(JobState.OK, done.state());
    assertEquals(0, done.exitCode());
    assertNotNull(done.startTime());
    assertNotNull(done.endTime());
    assertEquals(List.of("new", "queued", "running", "ok"), history(job.id()));
  }

  @Test
  void lateWritesOfAnOldAttemptAreRejected() {
    Job job = submit("p-fence");
    store.claimNew("p-fence", "h1", 1);
    assertTrue(store.markRunning(job.id(), 1, "h1", "local", "1", "/tmp"));
    assertTrue(store.ends().requeue(job.id(), 1, "handler h1 was removed"));
    Job requeued = store.find(job.id()).orElseThrow();
    assertEquals(JobState.NEW, requeued.state());
    assertEquals(2, requeued.attempt());
    assertEquals(null, requeued.handler());

    assertFalse(store.ends().finish(job.id(), 1, "h1", JobState.OK, 0, null, JobUsage.NONE), "old attempt must not finish the job");
    assertFalse(store.markRunning(job.id(), 1, "h1", "local", "1", "/tmp"));
    assertFalse(store.ends().requeue(job.id(), 1, "again"));

    store.claimNew("p-fence", "h2", 1);
    assertFalse(store.markRunning(job.id(), 2, "h1", "local", "1", "/tmp"), "another handler must not start it");
    assertTrue(store.markRunning(job.id(), 2, "h2", "local", "2", "/tmp"));
    assertTrue(store.ends().finish(job.id(), 2, "h2", JobState.ERROR, 3, "exit code 3", JobUsage.NONE));
    assertFalse(store.ends().finish(job.id(), 2, "h2", JobState.OK, 0, null, JobUsage.NONE), "a finished job stays finished");
    assertEquals(JobState.ERROR, store.find(job.id()).orElseThrow().state());
  }

  @Test
  void cancelDeletesANewJobAtOnceAndMarksAHeldOneDeleting() {
    Job fresh = submit("p-cancel");
    assertEquals(JobState.DELETED, store.cancel(fresh.id()).orElseThrow().state());
    Job held = submit("p-cancel");
    store.claimNew("p-cancel", "h1", 1);
    assertEquals(JobState.DELETING, store.cancel(held.id()).orElseThrow().state());
    assertFalse(store.ends().finish(held.id(), 1, "h1", JobState.OK, 0, null, JobUsage.NONE), "a cancelled job does not finish ok");
    assertTrue(store.ends().markDeleted(held.id(), 1, -9, JobUsage.NONE));
    assertEquals(JobState.DELETED, store.find(held.id()).orElseThrow().state());
    assertEquals(JobState.DELETED, store.cancel(held.id()).orElseThrow().state(), "cancel of a finished job changes nothing");
    assertEquals(Optional.empty(), store.cancel(987654321L));
  }

  @Test
  void requeueOfAJobBeingCancelledDeletesIt() {
    Job job = submit("p-requeue-cancel");
    store.claimNew("p-requeue-cancel", "h1", 1);
    store.cancel(job.id());
    assertTrue(store.ends().requeue(job.id(), 1, "handler gone"));
    assertEquals(JobState.DELETED, store.find(job.id()).orElseThrow().state());
  }

  @Test
  void requeuesEveryJobOfARemovedHandlerUntilItsLastAttempt() {
    String pool = "p-removed";
    Job running = submit(pool);
    Job queued = submit(pool);
    Job cancelling = submit(pool);
    Job elsewhere = submit(pool);
    store.claimNew(pool, "gone", 3);
    store.claimNew(pool, "alive", 1);
    store.markRunning(running.id(), 1, "gone", "local", "1", "/tmp");
    store.cancel(cancelling.id());

    List<Job> after = store.requeueAllHeldBy("gone", 2, "handler gone was removed");
    assertEquals(List.of(running.id(), queued.id(), cancelling.id()), after.stream().map(Job::id).toList());
    Job r = store.find(running.id()).orElseThrow();
    assertEquals(JobState.NEW, r.state());
    assertEquals(2, r.attempt());
    assertEquals("handler gone was removed", r.info());
    assertEquals(null, r.handler());
    assertEquals(JobState.DELETED, store.find(cancelling.id()).orElseThrow().state());
    assertEquals(JobState.QUEUED, store.find(elsewhere.id()).orElseThrow().state(), "other handlers' jobs stay");
    assertEquals(List.of("alive"), store.handlersHoldingJobs());

    store.claimNew(pool, "gone-again", 5);
    store.requeueAllHeldBy("gone-again", 2, "handler gone-again was removed");
    Job last = store.find(running.id()).orElseThrow();
    assertEquals(JobState.ERROR, last.state(), "the second attempt was the last");
    assertEquals(JobEnds.lastAttemptInfo("handler gone-again was removed", 2), last.info());
    assertTrue(last.info().contains("keeps killing (or being lost with) its handler"), last.info());
    assertEquals(2, last.attempt());
  }

  @Test
  void countedHandBacksEndAJobOnItsLastAttemptFreeOnesNeverDo() {
    String pool = "p-counted";
    Job job = submit(pool);
    // Three free hand-backs (never started, or a drained handler's planned restart): attempt 4, still new.
    for (int attempt = 1; attempt <= 3; attempt++) {
      store.claimNew(pool, "h1", 1);
      assertTrue(store.ends().requeue(job.id(), attempt, "handler h1 stopped (drained first)"));
    }
    assertEquals(JobState.NEW, store.find(job.id()).orElseThrow().state());
    assertEquals(4, store.find(job.id()).orElseThrow().attempt());
    // Counted: attempts 4 and 5 are the 1st and 2nd that count; with max-attempts 3 the third ends it.
    for (int attempt = 4; attempt <= 5; attempt++) {
      store.claimNew(pool, "h1", 1);
      assertTrue(store.ends().requeueCounted(job.id(), attempt, 3, "lost when handler h1 restarted"));
      assertEquals(JobState.NEW, store.find(job.id()).orElseThrow().state(), "attempt " + attempt);
    }
    store.claimNew(pool, "h1", 1);
    assertTrue(store.ends().requeueCounted(job.id(), 6, 3, "lost when handler h1 restarted"));
    Job last = store.find(job.id()).orElseThrow();
    assertEquals(JobState.ERROR, last.state(), "a job that keeps killing its handler stops bouncing");
    assertEquals(6, last.attempt());
    assertEquals("h1", last.handler());
    assertEquals(JobEnds.lastAttemptInfo("lost when handler h1 restarted", 3), last.info());
    assertFalse(store.ends().requeueCounted(job.id(), 6, 3, "again"), "terminal");
    // The reaper counts the same way: a free attempt does not count there either.
    Job other = submit(pool);
    store.claimNew(pool, "h2", 1);
    assertTrue(store.ends().requeue(other.id(), 1, "free"));
    store.claimNew(pool, "h2", 1);
    store.requeueAllHeldBy("h2", 2, "handler h2 left the cluster");
    assertEquals(JobState.NEW, store.find(other.id()).orElseThrow().state(), "attempt 2 is the first that counts");
    store.claimNew(pool, "h3", 1);
    store.requeueAllHeldBy("h3", 2, "handler h3 left the cluster");
    assertEquals(JobState.ERROR, store.find(other.id()).orElseThrow().state());
  }

  @Test
  void notesWhyNewJobsWaitWithoutTouchingOthers() {
    Job waiting = submit("p-nobody");
    Job other = submit("p-somebody");
    assertEquals(1, store.noteWaiting("p-nobody", "no live handler serves pool p-nobody"));
    assertEquals(0, store.noteWaiting("p-nobody", "no live handler serves pool p-nobody"), "idempotent");
    assertEquals("no live handler serves pool p-nobody", store.find(waiting.id()).orElseThrow().info());
    assertEquals(null, store.find(other.id()).orElseThrow().info());
    store.claimNew("p-nobody", "h", 1);
    assertEquals(null, store.find(waiting.id()).orElseThrow().info(), "a claim clears the note");
  }

  @Test
  void claimsOnlyTheGivenPoolOldestFirstUpToTheLimit() {
    Job a = submit("p-claim");
    Job b = submit("p-claim");
    submit("p-other");
    Job c = submit("p-claim");
    List<Job> first = store.claimNew("p-claim", "h1", 2);
    assertEquals(List.of(a.id(), b.id()), first.stream().map(Job::id).toList());
    assertEquals(List.of(c.id()), store.claimNew("p-claim", "h1", 5).stream().map(Job::id).toList());
    assertEquals(List.of(), store.claimNew("p-claim", "h1", 5));
    assertEquals(1, store.countNew("p-other"));
    assertEquals(3, store.heldBy("h1").size());
  }

  @Test
  void concurrentClaimersNeverTakeTheSameJob() throws Exception {
    int jobs = 2000;
    for (int i = 0; i < jobs; i++) {
      submit("p-race");
    }
    ConcurrentLinkedQueue<Long> taken = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> claimers = new ArrayList<>();
    for (int h = 0; h < 4; h++) {
      String handler = "race-" + h;
      claimers.add(pool.submit(() -> {
        List<Job> got;
        while (!(got = store.claimNew("p-race", handler, 7)).isEmpty()) {
          got.forEach(j -> taken.add(j.id()));
        }
      }));
    }
    for (Future<?> f : claimers) {
      f.get();
    }
    pool.shutdown();
    Set<Long> unique = new HashSet<>(taken);
    assertEquals(jobs, taken.size(), "every job claimed once");
    assertEquals(jobs, unique.size(), "no job claimed twice");
    assertEquals(0, store.countNew("p-race"));
  }

  @Test
  void listsNewestFirstWithFilters() {
    Job x = store.insert(new NewJob("lister", "word_count", "1.0", Map.of(), "p-list"));
    Job y = store.insert(new NewJob("lister", "checksum", "1.0", Map.of(), "p-list"));
    store.insert(new NewJob("someone-else", "checksum", "1.0", Map.of(), "p-list"));
    List<Job> mine = store.list(new JobQuery(Optional.of("lister"), Set.of(), Optional.empty(), 10, 0));
    assertEquals(List.of(y.id(), x.id()), mine.stream().map(Job::id).toList());
    List<Job> checksums = store.list(new JobQuery(Optional.of("lister"), Set.of(JobState.NEW), Optional.of("checksum"), 10, 0));
    assertEquals(List.of(y.id()), checksums.stream().map(Job::id).toList());
    assertEquals(List.of(x.id()), store.list(new JobQuery(Optional.of("lister"), Set.of(), Optional.empty(), 1, 1))
        .stream().map(Job::id).toList());
  }

  static List<String> history(long jobId) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT state FROM job_history WHERE job_id = " + jobId + " ORDER BY id")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }
}
