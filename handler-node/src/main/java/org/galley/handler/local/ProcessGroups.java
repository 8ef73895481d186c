package org.galley.handler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals whole process groups. Java can only signal single processes, and a job's grandchildren
 * may have outlived their parent (then they are nobody's descendants any more), so the group is
 * signalled with kill(1), which the kernel applies to every member at once.
 */
public final class ProcessGroups {
  private static final Logger log = LoggerFactory.getLogger(ProcessGroups.class);

  private ProcessGroups() {}

  /**
   * Waits until a process started through setsid(1) leads its own process group, or has ended.
   * Java returns from the start once setsid(1) is exec'ed, often before it called setsid(): until
   * then there is no group of that id to signal. Blocks up to {@code max}; returns whether it leads
   * (always true where there is no /proc to look in).
   */
  public static boolean awaitLeadership(Process process, Duration max) {
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    if (!Files.isDirectory(Path.of("/proc", "self"))) {
      return true;
    }
    long deadline = System.nanoTime() + max.toNanos();
    // Starts from 50 µs and doubles up to 2 ms: many starts at once must not keep the CPUs busy
    // polling while the processes they wait for need them.
    long pause = 50_000;
    while (process.isAlive()) {
      String s = "";
      try {
        s = Files.readString(stat);
        // Fields after the command name (which may hold anything but ends at the last ')'):
        // state, ppid, pgrp, ...
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        if (Long.parseLong(f[2]) == process.pid()) {
          return true;
        }
      } catch (java.nio.file.NoSuchFileException e) {
        // Reaped already: Java's reaper thread ran waitpid() but has not yet marked the process
        // dead, so isAlive() may still say true. It ended, which is what the caller waits for too.
        return true;
      } catch (IOException | RuntimeException e) {
        // Most often ESRCH: the process ended and was reaped between open and read, again before
        // isAlive() says so (this was taken for a failed start: jobs of /bin/true ended in error).
        // Look again: the file is gone then, or isAlive() false. The deadline still holds.
        s = e.toString();
      }
      if (System.nanoTime() > deadline) {
        log.warn("process {} does not lead its group; /proc says: {}", process.pid(), s.trim());
        return false;
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, 2_000_000);
    }
    return true;
  }

  /**
   * Sends {@code signal} (a name such as TERM or KILL) to every process of group {@code pgid}.
   * Blocks while kill(1) runs. Returns whether some process got it.
   */
  public static boolean signal(long pgid, String signal) {
    // kill -- -1 would signal every process we may signal, and 0 our own group: never.
    if (pgid <= 1) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    ProcessBuilder pb = new ProcessBuilder("kill", "-s", signal, "--", "-" + pgid)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process kill = pb.start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        log.warn("kill -s {} -- -{} did not return within 10 s", signal, pgid);
        return false;
      }
      // 1 means no such group: it is gone already, which is what the caller wants.
      return kill.exitValue() == 0;
    } catch (IOException e) {
      log.error("could not run kill(1) to signal process group {}: {}", pgid, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
