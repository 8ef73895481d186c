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
  void killsTheMarkedGroupsOnlyOnceTheHeartbeatIsOlderThanTheTimeoutAndLeavesStrangersAlone() throws Exception {
    ProcessIdentity job = fakeAttempt("1");
    ProcessIdentity stranger = fakeAttempt("2");
    // The pid is marked with another start time: a process that got the pid of a job long gone.
    AttemptMarker.write(jobsDir.resolve("2"), new ProcessIdentity(stranger.pid(), stranger.startTime() + 1));
    OrphanWatchdog w = start(TIMEOUT);
    assertTrue(running(w.pid()));

    Eventually.holdsFor(TIMEOUT.plusSeconds(2), () -> assertTrue(job.alive(), "killed while the heartbeat is fresh"));
    long stopped = System.nanoTime();
    w.close(); // the JVM stops beating, as if killed

    Eventually.within(DEADLINE, () -> assertFalse(job.alive()));
    Duration after = Duration.ofNanos(System.nanoTime() - stopped);
    // The last beat was at most a second before the close, and ages are counted in whole seconds.
    assertTrue(after.compareTo(TIMEOUT.minusSeconds(1)) >= 0, "killed " + after + " after the last beats");
    Eventually.within(DEADLINE, () -> assertEquals(List.of(), ProcessTable.livingMembers(job.pid())));
    Eventually.within(DEADLINE, () -> assertFalse(running(w.pid()), "the watchdog exits once it fired"));
    assertTrue(stranger.alive(), "the process whose start time does not match lives");
    assertTrue(Files.readString(jobsDir.resolve(".watchdog.log")).contains("killed process group " + job.pid()));
  }

  @Test
  void aWatchdogOfANewerHandlerJvmTakesOverAndTheOldOneExitsWithoutKilling() throws Exception {
    ProcessIdentity job = fakeAttempt("7");
    OrphanWatchdog first = start(Duration.ofSeconds(8));
    first.close(); // the first JVM dies; a new one starts at once
    OrphanWatchdog second = start(Duration.ofSeconds(8));
    Eventually.within(DEADLINE, () -> assertFalse(running(first.pid()), "the first watchdog exits"));
    assertTrue(running(second.pid()));
    assertTrue(job.alive(), "a quick restart leaves the jobs to adopt");
    assertEquals(Long.toString(second.pid()), Files.readString(jobsDir.resolve(OrphanWatchdog.OWNER)).trim());

    second.dismiss(); // a clean stop
    Eventually.within(DEADLINE, () -> assertFalse(running(second.pid()), "a dismissed watchdog exits"));
    assertTrue(job.alive());
  }

  @Test
  void aJobsDirectoryServesOneHandlerJvmAtATime() throws Exception {
    start(Duration.ofSeconds(8));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(Duration.ofSeconds(8)));
    assertTrue(e.getMessage().contains("in use by another running handler"), e.getMessage());
  }
}
