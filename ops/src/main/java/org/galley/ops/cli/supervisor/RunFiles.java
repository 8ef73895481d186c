package org.galley.ops.cli.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;

/**
 * STATE-DIR/run/NAME.run: the pid, state, start time and restart count of a process, written by
 * whoever runs it (the supervisor, or {@code galley exec} under systemd) and read by
 * {@code galley status} and {@code galley stop}, so neither needs the supervisor to answer.
 */
public final class RunFiles {
  /** One process as last recorded. */
  public record Run(long pid, String state, long startedMillis, int restarts) {
    public boolean alive(String name) {
      return ProcessHandle.of(pid).filter(h -> isOurs(h, name)).isPresent();
    }
  }

  private final Path dir;

  public RunFiles(ProcessSet set) {
    this.dir = set.runDir();
  }

  public void write(String name, Run run) {
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(name + ".run.tmp");
      Files.writeString(tmp, run.pid() + " " + run.state() + " " + run.startedMillis() + " " + run.restarts() + "\n",
          StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(name + ".run"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Optional<Run> read(String name) {
    Path f = dir.resolve(name + ".run");
    try {
      String[] p = Files.readString(f, StandardCharsets.UTF_8).trim().split(" ");
      return Optional.of(new Run(Long.parseLong(p[0]), p[1], Long.parseLong(p[2]), Integer.parseInt(p[3])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether the process is one the CLI started as {@code name}: its command line carries the marker. */
  static boolean isOurs(ProcessHandle h, String name) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      // /proc shows the whole command line, where ProcessHandle.Info may cut it short.
      String cmdline = Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline"), StandardCharsets.UTF_8);
      return java.util.Arrays.asList(cmdline.split("\0")).contains(ProcessSpec.MARKER + name);
    } catch (IOException e) {
      return false;
    }
  }
}
