package org.galley.handler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process as the kernel knows it: its pid and its start time (field 22 of /proc/PID/stat, in
 * clock ticks since boot). A pid alone names whatever process holds that number now; with the
 * start time it names one process, so a handler that comes back after its jobs' pids may have
 * been reused never adopts or kills a stranger. Linux only (/proc); reading blocks briefly.
 */
public record ProcessIdentity(long pid, long startTime) {

  /** What /proc says of a process now. */
  public record Stat(char state, long pgrp, long startTime) {
    /** A zombie runs no code any more; its parent has only not reaped it yet. */
    boolean living() {
      return state != 'Z' && state != 'X';
    }
  }

  /** The process holding {@code pid} now, or empty if none does. */
  public static Optional<Stat> stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name is in parentheses and may hold anything; the fields after it start at
      // field 3 (state), so field N is at index N - 3.
      String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
      return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[19])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The identity of the process holding {@code pid} now, if one does. */
  public static Optional<ProcessIdentity> of(long pid) {
    return stat(pid).map(s -> new ProcessIdentity(pid, s.startTime()));
  }

  /** Reads {@code "PID STARTTIME"}, as the runner's marker file holds it. */
  public static Optional<ProcessIdentity> parse(String text) {
    String[] f = text.trim().split("\\s+");
    if (f.length != 2) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(f[0]);
      return pid > 1 ? Optional.of(new ProcessIdentity(pid, Long.parseLong(f[1]))) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code "PID STARTTIME"}, what {@link #parse} reads. */
  public String format() {
    return pid + " " + startTime;
  }

  /** Whether this very process still runs (not a zombie, and its pid not reused since). */
  public boolean alive() {
    return stat(pid).filter(s -> s.startTime() == startTime && s.living()).isPresent();
  }

  /**
   * Whether signalling the process group {@code pid} can only reach this process's group: its
   * leader is this process, or no process holds the number at all. In the latter case the kernel
   * keeps the number reserved while any member of the group lives, so the group, if any is left,
   * is still the one this process led.
   */
  public boolean groupIsOurs() {
    return stat(pid).map(s -> s.startTime() == startTime).orElse(true);
  }
}
