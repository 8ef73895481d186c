package org.galley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

  /**
   * CPU time of a process tree in clock ticks: for every process now under {@code root} (itself
   * included) its utime + stime + cutime + cstime. Processes that ended within the tree count in
   * their reaper's cutime/cstime, so the difference of two readings is the tree's CPU in between,
   * children such as job processes and PostgreSQL backends included.
   */
  static long treeCpuTicks(long root) {
    Map<Long, List<Long>> children = new HashMap<>();
    Map<Long, Long> own = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try {
          String s = Files.readString(p.resolve("stat"));
          String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
          long pid = Long.parseLong(p.getFileName().toString());
          children.computeIfAbsent(Long.parseLong(f[4 - 3]), k -> new ArrayList<>()).add(pid);
          own.put(pid, Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]) + Long.parseLong(f[16 - 3])
              + Long.parseLong(f[17 - 3]));
        } catch (IOException | RuntimeException e) {
          // gone meanwhile
        }
      });
    } catch (IOException e) {
      return 0;
    }
    long total = 0;
    ArrayDeque<Long> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      long pid = todo.pop();
      total += own.getOrDefault(pid, 0L);
      todo.addAll(children.getOrDefault(pid, List.of()));
    }
    return total;
  }
}
