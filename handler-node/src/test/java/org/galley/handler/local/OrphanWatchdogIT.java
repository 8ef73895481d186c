package org.galley.handler.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.galley.handler.Eventually;
import org.galley.handler.ProcessTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog as a real detached process, with fake attempts ({@code setsid sleep}) and their markers. */
class OrphanWatchdogIT {
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  @TempDir
  Path jobsDir;

  private final List<Process> processes = new ArrayList<>();
  private final List<OrphanWatchdog> watchdogs = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    watchdogs.forEach(w -> {
      w.dismiss();
      w.close();
    });
    processes.forEach(p -> {
      ProcessGroups.signal(p.pid(), "KILL");
      p.destroyForcibly();
    });
  }

  /** A process group running as a job would, in directory {@code name} with its marker. */
  private ProcessIdentity fakeAttempt(String name) throws Exception {
    Path dir = Files.createDirectories(jobsDir.resolve(name));
    Process p = new ProcessBuilder("setsid", "sleep", "100").start();
    processes.add(p);
    Eventually.within(DEADLINE, () -> assertEquals(p.pid(), ProcessTable.stat(p.pid()).orElseThrow().pgrp()));
    ProcessIdentity leader = ProcessIdentity.of(p.pid()).orElseThrow();
    AttemptMarker.write(dir, leader);
    return leader;
  }

  private OrphanWatchdog start(Duration timeout) throws Exception {
    OrphanWatchdog w = OrphanWatchdog.start(jobsDir, timeout);
    watchdogs.add(w);
    return w;
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void aJvmThatStopsBeatingHasTheMarkedGroupsKilledAfterTheTimeoutStrangersLiveAndTheWatchdogGoesOn() throws Exception {
    ProcessIdentity job = fakeAttempt("1");
    ProcessIdentity stranger = fakeAttempt("2");
    // The pid is marked with another start time: a process that got the pid of a job long gone.
    AttemptMarker.write(jobsDir.resolve("2"), new ProcessIdentity(stranger.pid(), stranger.startTime() + 1));
    OrphanWatchdog w = start(TIMEOUT);
    assertTrue(running(w.pid()));

    Eventually.holdsFor(TIMEOUT.plusSeconds(1), () -> assertTrue(job.alive(), "killed while the JVM beats"));
    long stopped = System.nanoTime();
    w.beating(false); // frozen: alive, the pipe open, no beats

    Eventually.within(DEADLINE, () -> assertFalse(job.alive()));
    Duration after = Duration.ofNanos(System.nanoTime() - stopped);
    // The last beat was at most a second before.
    assertTrue(after.compareTo(TIMEOUT.minusSeconds(1)) >= 0, "killed " + after + " after the beats stopped");
    Eventually.within(DEADLINE, () -> assertEquals(List.of(), ProcessTable.livingMembers(job.pid())));
    assertTrue(Files.exists(jobsDir.resolve("1").resolve(OrphanWatchdog.KILLED_MARK)), "the JVM learns it was killed");
    assertFalse(Files.exists(jobsDir.resolve("2").resolve(OrphanWatchdog.KILLED_MARK)));
    assertTrue(stranger.alive(), "the process whose start time does not match lives");
    assertTrue(Files.readString(jobsDir.resolve(".watchdog.log")).contains("killed process group " + job.pid()));

    w.beating(true); // the JVM wakes up: the watchdog still guards what it starts next
    ProcessIdentity next = fakeAttempt("3");
    Eventually.holdsFor(TIMEOUT.plusSeconds(1), () -> assertTrue(next.alive(), "killed while the JVM beats again"));
    assertTrue(running(w.pid()));
  }

  @Test
  void aDeadJvmsJobsDieAtOnceEvenIfAHandlerRestartsOnTheDirectory() throws Exception {
    ProcessIdentity job = fakeAttempt("4");
    OrphanWatchdog w = start(Duration.ofSeconds(30));
    long died = System.nanoTime();
    w.close(); // the pipe's end: as when the kernel closes it for a JVM killed -9
    OrphanWatchdog successor = start(Duration.ofSeconds(30));
    Eventually.within(DEADLINE, () -> assertFalse(job.alive()));
    Duration after = Duration.ofNanos(System.nanoTime() - died);
    assertTrue(after.compareTo(Duration.ofSeconds(2)) <= 0, "killed only " + after + " after the JVM died");
    assertTrue(Files.exists(jobsDir.resolve("4").resolve(OrphanWatchdog.KILLED_MARK)));
    Eventually.within(DEADLINE, () -> assertFalse(running(w.pid()), "the watchdog of a dead JVM exits once it fired"));
    assertTrue(running(successor.pid()));
  }

  @Test
  void aDownedNodeHasItsJobsKilledAtOnce() throws Exception {
    ProcessIdentity job = fakeAttempt("5");
    OrphanWatchdog w = start(Duration.ofSeconds(30));
    long asked = System.nanoTime();
    w.killAll();
    Eventually.within(DEADLINE, () -> assertFalse(job.alive()));
    assertTrue(Duration.ofNanos(System.nanoTime() - asked).compareTo(Duration.ofSeconds(2)) < 0);
    assertTrue(Files.exists(jobsDir.resolve("5").resolve(OrphanWatchdog.KILLED_MARK)));
    assertTrue(running(w.pid()), "it goes on watching");
  }

  @Test
  void aDismissedWatchdogExitsWithoutKillingAlsoWhenItsJvmEnds() throws Exception {
    ProcessIdentity job = fakeAttempt("7");
    OrphanWatchdog w = start(Duration.ofSeconds(8));
    w.dismiss(); // a clean stop: every job ended or was given back
    w.close();
    Eventually.within(DEADLINE, () -> assertFalse(running(w.pid()), "a dismissed watchdog exits"));
    assertTrue(job.alive());
    assertFalse(Files.exists(jobsDir.resolve("7").resolve(OrphanWatchdog.KILLED_MARK)));
  }

  @Test
  void aJobsDirectoryServesOneHandlerJvmAtATime() throws Exception {
    start(Duration.ofSeconds(8));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(Duration.ofSeconds(8)));
    assertTrue(e.getMessage().contains("in use by another running handler"), e.getMessage());
  }
}
