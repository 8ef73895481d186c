package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.galley.core.job.Job;
import org.galley.core.job.NewJob;
import org.galley.core.settings.AssignMethod;
import org.galley.handler.slurm.SlurmRunner;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Handlers running jobs on a real single-node Slurm: the states a job goes through, exit codes,
 * memory kills resubmitted to a bigger destination, cancels, a handler that stops and another that
 * adopts its Slurm jobs without submitting them again, and an outage of slurmctld.
 */
class SlurmRunnerIT extends HandlerFixture {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final AtomicInteger POOLS = new AtomicInteger();
  private SlurmHandlers slurm;

  @BeforeEach
  void slurmHandlers() {
    slurm = new SlurmHandlers(store, varDir, "slurm-" + POOLS.incrementAndGet());
  }

  @AfterEach
  void stopHandlers() {
    slurm.close();
  }

  private Job await(long id, JobState state) {
    return await(id, state, DEADLINE);
  }

  private Job await(long id, JobState state, Duration deadline) {
    Eventually.within(deadline, () -> assertEquals(state, store.find(id).orElseThrow().state(), () -> "job " + id + ": "
        + store.find(id).orElseThrow()));
    return store.find(id).orElseThrow();
  }

  private static List<String> historyInfos(long jobId) throws Exception {
    try (var c = db.dataSource().getConnection();
        var ps = c.prepareStatement("SELECT coalesce(info, '') FROM job_history WHERE job_id = ? ORDER BY id")) {
      ps.setLong(1, jobId);
      try (var rs = ps.executeQuery()) {
        List<String> out = new java.util.ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    }
  }

  @Test
  void aToolRunsInSlurmToOkWithItsStdout() throws Exception {
    slurm.start("s-ok");
    Job job = slurm.submit("s_echo", Map.of("text", "it's $(not) a \"shell\""));
    Job done = await(job.id(), JobState.OK);
    assertEquals(0, done.exitCode());
    assertEquals("slurm", done.runner());
    assertEquals("slurm", done.destination());
    assertNotNull(done.startTime(), "start_time is set once Slurm ran it");
    assertEquals("galley-" + slurm.cluster + "-" + job.id() + "-1", done.externalName());
    assertEquals("it's $(not) a \"shell\"\n", Files.readString(Path.of(done.workingDirectory()).resolve("stdout")));
    assertEquals(List.of(done.externalName()), slurm.submissionsOf(job.id()));
    assertTrue(org.galley.handler.runner.ResourceUsage.read(Path.of(done.workingDirectory())).cpuUserSeconds().isPresent(),
        "the job script recorded the tool's CPU use");
    // ... and it reached the table with the end (no sacct without slurmdbd: the job measured itself)
    assertNotNull(done.usage().cpuUserSeconds(), done.usage()::toString);
    assertNotNull(done.usage().cpuSystemSeconds(), done.usage()::toString);
    assertTrue(done.usage().peakMemoryBytes() != null && done.usage().peakMemoryBytes() > 0, done.usage()::toString);
    assertNull(done.usage().exitSignal(), done.usage()::toString);
  }

  @Test
  void aNonZeroExitIsAnErrorWithItsCode() {
    slurm.start("s-fail");
    Job done = await(slurm.submit("s_fail", Map.of()).id(), JobState.ERROR);
    assertEquals(3, done.exitCode());
    assertEquals("exit code 3", done.info());
  }

  @Test
  void aJobOverItsMemoryIsResubmittedToTheBiggerDestinationAndEndsOk() throws Exception {
    slurm.start("s-mem");
    Job job = slurm.submit("s_mem", Map.of());
    Job done = await(job.id(), JobState.OK);
    assertEquals(2, done.attempt());
    assertEquals("big", done.destination());
    List<String> infos = historyInfos(job.id());
    assertTrue(infos.stream().anyMatch(i -> i.contains("memory limit exceeded") && i.contains("resubmitted to big")), infos::toString);
    assertEquals(2, slurm.submissionsOf(job.id()).size(), "one submission per attempt");
  }

  @Test
  @Tag("slow")
  void aJobOverItsWalltimeIsAnErrorSayingSo() {
    slurm.start("s-wall");
    Job done = await(slurm.submit("s_wall", Map.of()).id(), JobState.ERROR, Duration.ofMinutes(4));
    assertTrue(done.info().contains("walltime exceeded") && done.info().contains("TIMEOUT"), done::toString);
  }

  @Test
  void aJobCancelledInSlurmBySomeoneElseIsAnErrorSayingSo() throws Exception {
    slurm.start("s-other");
    Job running = await(slurm.submit("s_sleep", Map.of("seconds", 300)).id(), JobState.RUNNING);
    slurm.slurm.commands().cancel(Long.parseLong(running.externalId()));
    Job done = await(running.id(), JobState.ERROR);
    assertTrue(done.info().contains("cancelled by someone else"), done::toString);
  }

  @Test
  void aPendingJobWaitsQueuedSayingWhyAndIsDeletedOnCancel() {
    slurm.start("s-held");
    Job job = slurm.submit("s_held", Map.of());
    Eventually.within(DEADLINE, () -> {
      Job now = store.find(job.id()).orElseThrow();
      assertEquals(JobState.QUEUED, now.state());
      assertTrue(now.info() != null && now.info().contains("JobHeldUser"), now::toString);
    });
    store.cancel(job.id());
    Job gone = await(job.id(), JobState.DELETED);
    assertEquals(null, gone.startTime());
  }

  @Test
  void aRunningJobIsDeletedOnCancelOnceSlurmEndedIt() throws Exception {
    slurm.start("s-cancel");
    Job job = slurm.submit("s_sleep", Map.of("seconds", 300));
    Job running = await(job.id(), JobState.RUNNING);
    store.cancel(job.id());
    await(job.id(), JobState.DELETED);
    long slurmId = Long.parseLong(running.externalId());
    assertTrue(slurm.slurm.commands().jobs().get(slurmId).terminal(), "Slurm ended it");
  }

  @Test
  void anotherHandlerAdoptsTheSlurmJobsOfAStoppedOneWithoutSubmittingThemAgain() throws Exception {
    ActorTestKit first = slurm.start("s-first");
    List<Job> jobs = List.of(slurm.submit("s_sleep", Map.of("seconds", 8)), slurm.submit("s_sleep", Map.of("seconds", 8)),
        slurm.submit("s_held", Map.of()));
    for (Job j : jobs.subList(0, 2)) {
      await(j.id(), JobState.RUNNING);
    }
    Eventually.within(DEADLINE, () -> assertEquals(JobState.QUEUED, store.find(jobs.get(2).id()).orElseThrow().state()));
    long stopped = System.nanoTime();
    slurm.stop(first);
    for (Job j : jobs) {
      Job released = store.find(j.id()).orElseThrow();
      assertEquals(null, released.handler(), "released: " + released);
      assertEquals(2, released.attempt());
    }
    slurm.start("s-second");
    Eventually.within(DEADLINE, () -> assertEquals("s-second", store.find(jobs.get(0).id()).orElseThrow().handler()));
    System.out.printf("slurm adoption: jobs of a stopped handler watched by another %.1f s after the stop%n",
        (System.nanoTime() - stopped) / 1e9);
    for (Job j : jobs.subList(0, 2)) {
      Job done = await(j.id(), JobState.OK);
      assertEquals(2, done.attempt());
      assertEquals(1, slurm.submissionsOf(j.id()).size(), "submitted once");
    }
    store.cancel(jobs.get(2).id());
    await(jobs.get(2).id(), JobState.DELETED);
    assertEquals(1, slurm.submissionsOf(jobs.get(2).id()).size());
  }

  @Test
  @Tag("slow")
  void aThousandPendingJobsAreWatchedWithOneSqueuePerInterval() throws Exception {
    SlurmHandlers.Started h = slurm.startNode("s-many");
    SlurmRunner runner = (SlurmRunner) h.node().runner(SlurmRunner.NAME).orElseThrow();
    List<NewJob> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(new NewJob("alice", "s_held", "1.0", Map.of(), slurm.pool, AssignMethod.DB_SKIP_LOCKED, null));
    }
    long t0 = System.nanoTime();
    List<Job> jobs = store.insertAll(batch);
    Eventually.within(Duration.ofMinutes(3), () -> assertEquals(1000, runner.watching()));
    double submitSeconds = (System.nanoTime() - t0) / 1e9;
    long calls0 = runner.squeueCalls();
    long w0 = System.nanoTime();
    Eventually.holdsFor(Duration.ofSeconds(5), () -> assertEquals(1000, runner.watching()));
    double intervals = (System.nanoTime() - w0) / 1e9 / 0.5;
    long calls = runner.squeueCalls() - calls0;
    System.out.printf("slurm scale: 1000 jobs submitted by one handler in %.1f s (%.0f/s); while watching them: %d squeue calls"
        + " in %.1f intervals of 0.5 s (%.2f per interval)%n", submitSeconds, 1000 / submitSeconds, calls, intervals,
        calls / intervals);
    assertTrue(calls <= intervals + 1, "at most one squeue per interval, got " + calls + " in " + intervals);
    jobs.forEach(j -> store.cancel(j.id()));
    Eventually.within(Duration.ofMinutes(3), () -> assertEquals(0, runner.watching()));
    Eventually.within(DEADLINE, () -> jobs.forEach(j -> assertEquals(JobState.DELETED, store.find(j.id()).orElseThrow().state())));
  }

  @Test
  void slurmctldDownChangesNoStateAndJobsEndOkOnceItIsBack() throws Exception {
    slurm.start("s-outage");
    List<Job> jobs = List.of(slurm.submit("s_sleep", Map.of("seconds", 10)), slurm.submit("s_sleep", Map.of("seconds", 10)));
    for (Job j : jobs) {
      await(j.id(), JobState.RUNNING);
    }
    slurm.slurm.stopController();
    try {
      Eventually.within(DEADLINE, () -> assertTrue(store.find(jobs.get(0).id()).orElseThrow().info() != null
          && store.find(jobs.get(0).id()).orElseThrow().info().contains("Slurm does not answer"),
          () -> store.find(jobs.get(0).id()).orElseThrow().toString()));
      Eventually.holdsFor(Duration.ofSeconds(15), () -> jobs.forEach(j ->
          assertEquals(JobState.RUNNING, store.find(j.id()).orElseThrow().state())));
    } finally {
      slurm.slurm.startController();
    }
    for (Job j : jobs) {
      assertEquals(0, await(j.id(), JobState.OK).exitCode());
    }
  }
}
