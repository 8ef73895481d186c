package org.galley.handler.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs one command-line tool from an argv list (never a shell) with an environment and a timeout.
 * Output goes to temporary files rather than pipes: a pipe must be drained while the process runs,
 * and a blocked read would outlast the timeout when a tool hangs.
 */
final class CommandRun {
  /** What the Slurm client library prints when it cannot talk to slurmctld. */
  private static final Pattern UNREACHABLE = Pattern.compile(
      "Unable to contact slurm controller|Socket timed out|Connection refused|connect failure"
          + "|Zero Bytes were transmitted or received|Communication connection failure"
          + "|Connection timed out|Slurm backup controller in standby mode",
      Pattern.CASE_INSENSITIVE);

  record Result(List<String> argv, int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    String stderrFirstLine() {
      String s = stderr.strip();
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }

    SlurmException failure(String what) {
      return new SlurmException(what + " failed: " + String.join(" ", argv) + " exited " + exitCode
          + (stderr.isBlank() ? "" : ": " + stderrFirstLine()), UNREACHABLE.matcher(stderr).find());
    }
  }

  private CommandRun() {}

  static Result run(List<String> argv, Map<String, String> env, Duration timeout) throws SlurmException {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("galley-slurm-", ".out");
      err = Files.createTempFile("galley-slurm-", ".err");
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      withoutGalleySettings(pb.environment());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        // A tool that hangs is one waiting on slurmctld: treat as unreachable so callers hold on.
        throw new SlurmException(String.join(" ", argv) + " gave no answer within " + timeout, true);
      }
      return new Result(argv, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SlurmException("could not run " + String.join(" ", argv) + ": " + e.getMessage(), false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SlurmException("interrupted while running " + String.join(" ", argv), false, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * GALLEY_* variables of the JVM may carry the database password and the admin key, and sbatch
   * hands its whole environment to the job (--export=ALL): they must not reach a tool.
   */
  static void withoutGalleySettings(Map<String, String> environment) {
    environment.keySet().removeIf(k -> k.startsWith("GALLEY_"));
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // A leftover empty temporary file is harmless.
      }
    }
  }
}
