package org.galley.handler.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an attempt's work used, as far as its runner could see: how long it ran, and the CPU time
 * of the tool and every process it waited for, user and system. The job's leader (the local
 * runner's, or the Slurm job script) writes the CPU times into the file {@value #FILE} of the
 * attempt's directory when the tool ended: {@code USER SYS} in seconds, or bash's {@code times}
 * output, whose last line holds the children's times.
 */
public record ResourceUsage(Optional<Duration> runtime, OptionalDouble cpuUserSeconds, OptionalDouble cpuSystemSeconds) {
  public static final String FILE = "usage";
  public static final ResourceUsage NONE = new ResourceUsage(Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty());
  private static final Pattern BASH_TIMES = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s\\s*$");

  /** The CPU times the leader wrote in {@code dir}, if it got to; blocks (a file). */
  public static ResourceUsage read(Path dir) {
    try {
      String text = Files.readString(dir.resolve(FILE)).strip();
      Matcher bash = BASH_TIMES.matcher(text);
      if (bash.find()) {
        return cpu(Integer.parseInt(bash.group(1)) * 60 + Double.parseDouble(bash.group(2)),
            Integer.parseInt(bash.group(3)) * 60 + Double.parseDouble(bash.group(4)));
      }
      String[] f = text.split("\\s+");
      return f.length == 2 ? cpu(Double.parseDouble(f[0]), Double.parseDouble(f[1])) : NONE;
    } catch (NoSuchFileException e) {
      return NONE;
    } catch (IOException | RuntimeException e) {
      return NONE; // garbled: a usage report is never worth failing a job for
    }
  }

  private static ResourceUsage cpu(double user, double system) {
    return new ResourceUsage(Optional.empty(), OptionalDouble.of(user), OptionalDouble.of(system));
  }

  public ResourceUsage withRuntime(Duration d) {
    return new ResourceUsage(Optional.of(d), cpuUserSeconds, cpuSystemSeconds);
  }

  @Override
  public String toString() {
    return "runtime=" + runtime.map(d -> d.toMillis() / 1000.0 + "s").orElse("?")
        + " cpu_user=" + (cpuUserSeconds.isPresent() ? cpuUserSeconds.getAsDouble() + "s" : "?")
        + " cpu_system=" + (cpuSystemSeconds.isPresent() ? cpuSystemSeconds.getAsDouble() + "s" : "?");
  }
}
