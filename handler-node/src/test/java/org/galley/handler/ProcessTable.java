package org.galley.handler;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads /proc to see which processes live. A zombie counts as dead: killed orphans are reparented
 * to PID 1, which in a container may never reap them, but they run no code.
 */
public final class ProcessTable {
  private ProcessTable() {}

  /** state, ppid, pgrp, session of a process, if it exists. */
  public record Stat(char state, long ppid, long pgrp, long session) {
    boolean living() {
      return state != 'Z' && state != 'X';
    }
  }

  public static Optional<Stat> stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name is in parentheses and may hold spaces: fields follow the last ')'.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public static boolean living(long pid) {
    return stat(pid).map(Stat::living).orElse(false);
  }

  /** Processes of group {@code pgid} that are not zombies. */
  public static List<Long> livingMembers(long pgid) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        long pid = Long.parseLong(p.getFileName().toString());
        stat(pid).filter(st -> st.pgrp() == pgid && st.living()).ifPresent(st -> out.add(pid));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }
}
