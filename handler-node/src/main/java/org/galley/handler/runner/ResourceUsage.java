package org.galley.handler.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.galley.core.job.JobUsage;

/**
 * What an attempt's work used, as far as its runner could see: how long it ran, the CPU time of
 * the tool and every process it waited for (user and system), the largest resident set among
 * them, and the signal that ended the tool. The job's leader (the local runner's perl leader, or
 * the Slurm job script's measuring wrapper) writes the file {@value #FILE} of the attempt's
 * directory when the tool ended, from getrusage(RUSAGE_CHILDREN) and the tool's wait status:
 * {@code USER SYS MAXRSS_KB SIGNAL} ({@code -} for a max RSS it could not read, signal 0 for an
 * exit). Older or simpler leaders write {@code USER SYS}, or bash's {@code times} output, whose
 * last line holds the children's times.
 */
public record ResourceUsage(Optional<Duration> runtime, OptionalDouble cpuUserSeconds, OptionalDouble cpuSystemSeconds,
    OptionalLong peakMemoryBytes, OptionalInt exitSignal) {
  public static final String FILE = "usage";
  public static final ResourceUsage NONE = new ResourceUsage(Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
      OptionalLong.empty(), OptionalInt.empty());
  private static final Pattern BASH_TIMES = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s\\s*$");

  /** What the leader wrote in {@code dir}, if it got to; blocks (a file). */
  public static ResourceUsage read(Path dir) {
    try {
      String text = Files.readString(dir.resolve(FILE)).strip();
      Matcher bash = BASH_TIMES.matcher(text);
      if (bash.find()) {
        return cpu(Integer.parseInt(bash.group(1)) * 60 + Double.parseDouble(bash.group(2)),
            Integer.parseInt(bash.group(3)) * 60 + Double.parseDouble(bash.group(4)));
      }
      String[] f = text.split("\\s+");
      if (f.length == 2) {
        return cpu(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
      }
      if (f.length == 4) {
        ResourceUsage u = cpu(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
        OptionalLong rss = "-".equals(f[2]) ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(f[2]) * 1024);
        int signal = Integer.parseInt(f[3]);
        return new ResourceUsage(u.runtime, u.cpuUserSeconds, u.cpuSystemSeconds, rss,
            signal > 0 && signal < 128 ? OptionalInt.of(signal) : OptionalInt.empty());
      }
      return NONE;
    } catch (NoSuchFileException e) {
      return NONE;
    } catch (IOException | RuntimeException e) {
      return NONE; // garbled: a usage report is never worth failing a job for
    }
  }

  private static ResourceUsage cpu(double user, double system) {
    return new ResourceUsage(Optional.empty(), OptionalDouble.of(user), OptionalDouble.of(system), OptionalLong.empty(),
        OptionalInt.empty());
  }

  public ResourceUsage withRuntime(Duration d) {
    return new ResourceUsage(Optional.of(d), cpuUserSeconds, cpuSystemSeconds, peakMemoryBytes, exitSignal);
  }

  /** The signal that ended the job, when the leader could not say (it was killed with the tool). */
  public ResourceUsage orSignal(int signal) {
    return exitSignal.isPresent() ? this
        : new ResourceUsage(runtime, cpuUserSeconds, cpuSystemSeconds, peakMemoryBytes, OptionalInt.of(signal));
  }

  /** As the job table keeps it (the runtime is the table's start and end time). */
  public JobUsage toJobUsage() {
    return new JobUsage(
        cpuUserSeconds.isPresent() ? cpuUserSeconds.getAsDouble() : null,
        cpuSystemSeconds.isPresent() ? cpuSystemSeconds.getAsDouble() : null,
        peakMemoryBytes.isPresent() ? peakMemoryBytes.getAsLong() : null,
        exitSignal.isPresent() ? exitSignal.getAsInt() : null);
  }

  @Override
  public String toString() {
    return "runtime=" + runtime.map(d -> d.toMillis() / 1000.0 + "s").orElse("?")
        + " cpu_user=" + (cpuUserSeconds.isPresent() ? cpuUserSeconds.getAsDouble() + "s" : "?")
        + " cpu_system=" + (cpuSystemSeconds.isPresent() ? cpuSystemSeconds.getAsDouble() + "s" : "?")
        + " peak_memory=" + (peakMemoryBytes.isPresent() ? peakMemoryBytes.getAsLong() + "B" : "?")
        + (exitSignal.isPresent() ? " signal=" + exitSignal.getAsInt() : "");
  }
}
