package org.galley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says of a process: resident memory and CPU time used so far. Linux only. */
final class ProcStats {
  /** USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux we run on. */
  static final long CLOCK_TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /** VmRSS of the process, in MiB; NaN once it is gone. */
  static double rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return Double.NaN;
  }

  /** utime + stime of the process (its threads included, not its reaped children), in clock ticks. */
  static long cpuTicks(long pid) throws IOException {
    return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
  }

  static long cpuTicks(String stat) {
    // Fields after the command name (which may hold spaces and ends at the last ')'): state is 3,
    // utime 14 and stime 15 in proc(5)'s numbering.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
  }
}
