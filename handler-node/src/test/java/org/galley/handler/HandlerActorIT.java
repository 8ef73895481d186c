package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.galley.core.job.Job;
import org.galley.core.job.NewJob;
import org.galley.handler.local.AttemptMarker;
import org.galley.protocol.DispatchProtocol.Claim;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.DispatchProtocol.HandlerDescription;
import org.galley.protocol.DispatchProtocol.ReportCapacity;
import org.galley.protocol.DispatchProtocol;
import org.galley.protocol.JobState;
import org.galley.protocol.Pools;
import org.junit.jupiter.api.Test;

/** A handler on a real database, running the sample tools as real processes; probes as dispatchers. */
class HandlerActorIT extends HandlerFixture {
  private HandlerHarness start(String name, int workers) {
    handler = new HandlerHarness(store, varDir, name, workers, Duration.ofHours(1));
    return handler;
  }

  @Test
  void announcesItsFreeSlotsToTheDispatcherOfEveryPoolItServes() {
    HandlerHarness h = start("h-announce", 3);
    List<HandlerCapacity> announced = List.of(
        h.announcements.expectMessageClass(HandlerCapacity.class, HandlerHarness.DEADLINE),
        h.announcements.expectMessageClass(HandlerCapacity.class, HandlerHarness.DEADLINE));
    for (HandlerCapacity c : announced) {
      assertEquals(new HandlerCapacity(h.node.handler(), "h-announce", 3, false), c);
    }
    h.node.handler().tell(new ReportCapacity(h.dispatcher.ref()));
    assertEquals(new HandlerCapacity(h.node.handler(), "h-announce", 3, false), h.expectCapacity());
  }

  @Test
  void runsAClaimedJobToOkWithItsOutputInItsJobDirectory() throws Exception {
    HandlerHarness h = start("h-ok", 2);
    Job job = h.submit("sort_lines", Map.of("text", "b\nc\na"));
    assertEquals(new ClaimDone(h.node.handler(), 1, 2, 1, 1), h.claim(5));
    Job done = h.await(job.id(), JobState.OK);
    assertEquals(0, done.exitCode());
    assertEquals("local", done.runner());
    assertEquals("h-ok", done.handler());
    Path dir = Path.of(done.workingDirectory());
    assertEquals(varDir.resolve("jobs").resolve(Long.toString(job.id())), dir);
    assertEquals("a\nb\nc\n", Files.readString(dir.resolve("stdout")));
    assertEquals(done.externalId() + "\n", Files.readString(dir.resolve("pid")));
    assertFalse(Files.exists(dir.resolve(AttemptMarker.FILE)), "the marker goes once the end is recorded");
    assertNotNull(done.usage().cpuUserSeconds(), "the usage is written with the (batched) end: " + done.usage());
    assertTrue(done.usage().peakMemoryBytes() > 0, done.usage()::toString);
    assertNull(done.usage().exitSignal(), done.usage()::toString);
    // The claim asked for 2 and got 1: the unused slot is reported at once, the other when the job ends.
    assertEquals(new HandlerCapacity(h.node.handler(), "h-ok", 1, false), h.expectCapacity());
    assertEquals(new HandlerCapacity(h.node.handler(), "h-ok", 2, false), h.expectCapacity());
  }

  @Test
  void claimsNoMoreJobsThanItHasWorkersAndReportsSlotsAsTheyFree() {
    HandlerHarness h = start("h-slots", 2);
    List<Long> ids = List.of(
        h.submit("sleep", Map.of("seconds", 0)).id(),
        h.submit("sleep", Map.of("seconds", 0)).id(),
        h.submit("sleep", Map.of("seconds", 0)).id());
    assertEquals(new ClaimDone(h.node.handler(), 1, 2, 2, 0), h.claim(5));
    assertEquals(JobState.NEW, h.job(ids.get(2)).state(), "the third job waits for a slot");
    assertEquals(1, h.expectCapacity().freeSlots());
    assertEquals(2, h.expectCapacity().freeSlots());
    h.await(ids.get(0), JobState.OK);
    h.await(ids.get(1), JobState.OK);
    assertEquals(new ClaimDone(h.node.handler(), 2, 2, 1, 1), h.claim(5));
    h.await(ids.get(2), JobState.OK);
  }

  @Test
  void answersAtOnceWithNothingRequestedWhenNoSlotIsFree() {
    HandlerHarness h = start("h-full", 1);
    long id = h.submit("sleep", Map.of("seconds", 100)).id();
    assertEquals(new ClaimDone(h.node.handler(), 1, 1, 1, 0), h.claim(3));
    assertEquals(new ClaimDone(h.node.handler(), 2, 0, 0, 0), h.claim(3));
    h.pgid(id);
  }

  @Test
  void claimsNothingForAPoolItDoesNotServe() {
    HandlerHarness h = start("h-other", 2);
    Job foreign = store.insert(new NewJob("alice", "sleep", "1.0", Map.of("seconds", 0L), "someone-elses"));
    h.node.handler().tell(new Claim("someone-elses", 5, 9, h.dispatcher.ref()));
    assertEquals(new ClaimDone(h.node.handler(), 9, 0, 0, 2), h.dispatcher.expectMessageClass(ClaimDone.class));
    assertEquals(JobState.NEW, h.job(foreign.id()).state());
  }

  @Test
  void takesJobsOfItsOwnPoolOfOne() {
    HandlerHarness h = start("h-own", 1);
    Job job = store.insert(new NewJob("alice", "sleep", "1.0", Map.of("seconds", 0L), Pools.ofHandler("h-own")));
    h.node.handler().tell(new Claim(Pools.ofHandler("h-own"), 1, 1, h.dispatcher.ref()));
    assertEquals(1, h.dispatcher.expectMessageClass(ClaimDone.class).claimed());
    h.await(job.id(), JobState.OK);
  }

  @Test
  void aFailingToolEndsInErrorWithItsExitCode() {
    HandlerHarness h = start("h-fail", 1);
    long id = h.submit("fail", Map.of("code", 3)).id();
    h.claim(1);
    Job failed = h.await(id, JobState.ERROR);
    assertEquals(3, failed.exitCode());
    assertEquals("exit code 3", failed.info());
    assertNotNull(failed.usage().peakMemoryBytes(), "the usage is written with the end: " + failed.usage());
  }

  @Test
  void aToolNotConfiguredOnTheHandlerEndsInErrorSayingSo() {
    HandlerHarness h = start("h-unknown", 1);
    Job job = store.insert(new NewJob("alice", "no_such_tool", "1.0", Map.of(), h.pool));
    h.claim(1);
    Job failed = h.await(job.id(), JobState.ERROR);
    assertEquals("tool no_such_tool 1.0 is not configured on handler h-unknown", failed.info());
    assertNull(failed.exitCode());
    assertEquals(1, h.expectCapacity().freeSlots());
  }

  @Test
  void aJobOverItsWalltimeIsKilledWithItsProcessGroupAndEndsInError() {
    HandlerHarness h = start("h-walltime", 1);
    long id = h.submit("nap", Map.of()).id();
    h.claim(1);
    long pgid = h.pgid(id);
    Job failed = h.await(id, JobState.ERROR);
    assertEquals("walltime of 1 s exceeded", failed.info());
    assertNotNull(failed.usage().exitSignal(), "killed by a signal of ours: " + failed.usage());
    Eventually.within(Duration.ofSeconds(2), () -> assertEquals(List.of(), ProcessTable.livingMembers(pgid)));
  }

  @Test
  void runsManyJobsWithEveryOutcomeRecordedOnce() {
    HandlerHarness h = start("h-many", 4);
    List<Long> ids = IntStream.range(0, 8)
        .mapToObj(i -> h.submit("word_count", Map.of("text", "w ".repeat(i + 1))).id()).toList();
    int claimed = 0;
    while (claimed < ids.size()) {
      ClaimDone done = h.claim(8);
      claimed += done.claimed();
      if (done.freeSlots() == 0) {
        h.awaitFreeSlot();
      }
    }
    for (int i = 0; i < ids.size(); i++) {
      Job job = h.await(ids.get(i), JobState.OK);
      assertEquals(1, job.attempt());
    }
    Set<String> dirs = ids.stream().map(id -> h.job(id).workingDirectory()).collect(Collectors.toSet());
    assertEquals(ids.size(), dirs.size(), "one directory per job");
    assertTrue(dirs.stream().allMatch(d -> d.startsWith(varDir.toString())));
    assertFalse(Files.exists(varDir.resolve("pwned")));
  }

  @Test
  void describesItsNameAddressPoolsSlotsAndStartTime() throws Exception {
    long before = System.currentTimeMillis();
    HandlerHarness h = start("h-describe", 3);
    HandlerDescription idle = h.describe();
    assertEquals("h-describe", idle.serverName());
    assertEquals(h.kit.system().address().toString(), idle.address());
    assertEquals(List.of("pool-h-describe"), idle.pools(), "without its own pool of one");
    assertEquals(3, idle.workers());
    assertEquals(0, idle.running());
    assertFalse(idle.drained());
    assertTrue(idle.upSinceEpochMillis() >= before && idle.upSinceEpochMillis() <= System.currentTimeMillis());
    long id = h.submit("gate", Map.of()).id();
    h.claim(1);
    h.pgid(id);
    HandlerDescription busy = h.describe();
    assertEquals(1, busy.running());
    assertEquals(2, busy.freeSlots());
    assertEquals(idle.upSinceEpochMillis(), busy.upSinceEpochMillis());
    h.openGate(id);
    h.await(id, JobState.OK);
  }

  @Test
  void isListedUnderAllHandlersForTheAdministratorsView() {
    HandlerHarness h = start("h-listed", 1);
    TestProbe<Receptionist.Listing> probe = h.kit.createTestProbe();
    Eventually.within(HandlerHarness.DEADLINE, () -> {
      h.kit.system().receptionist().tell(Receptionist.find(DispatchProtocol.ALL_HANDLERS, probe.ref()));
      Receptionist.Listing listing = probe.expectMessageClass(Receptionist.Listing.class);
      assertEquals(Set.of(h.node.handler()), listing.getServiceInstances(DispatchProtocol.ALL_HANDLERS));
    });
  }

  /**
   * Two pools' dispatchers claim at once: the first claim reserves every slot while it waits for the
   * table, so the second is told "none free". When the first comes back short, its slots are free
   * again, and the second pool's dispatcher must hear so: it would wait for the next job to end.
   */
  @Test
  void whenAClaimComesBackShortTheOtherPoolsDispatcherHearsOfTheFreedSlotsToo() throws Exception {
    HandlerHarness h = start("h-two-pools", 2);
    h.awaitTakingWork(); // not still reading the table, which the lock below would block
    TestProbe<DispatcherCommand> poolDispatcher = h.kit.createTestProbe();
    TestProbe<DispatcherCommand> ownPoolDispatcher = h.kit.createTestProbe();
    try (Connection lock = db.dataSource().getConnection()) {
      lock.setAutoCommit(false);
      lock.createStatement().execute("LOCK TABLE job IN ACCESS EXCLUSIVE MODE"); // the first claim waits
      h.node.handler().tell(new Claim(h.pool, 2, 1, poolDispatcher.ref()));
      h.node.handler().tell(new Claim(Pools.ofHandler(h.serverName), 2, 1, ownPoolDispatcher.ref()));
      assertEquals(new ClaimDone(h.node.handler(), 1, 0, 0, 0),
          ownPoolDispatcher.expectMessageClass(ClaimDone.class, HandlerHarness.DEADLINE));
      lock.rollback();
    }
    assertEquals(new ClaimDone(h.node.handler(), 1, 2, 0, 2),
        poolDispatcher.expectMessageClass(ClaimDone.class, HandlerHarness.DEADLINE));
    assertEquals(new HandlerCapacity(h.node.handler(), "h-two-pools", 2, false),
        ownPoolDispatcher.expectMessageClass(HandlerCapacity.class, HandlerHarness.DEADLINE));
  }
}
