package org.galley.handler.slurm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the files of one Slurm job into its job directory. {@code job.sh} is a constant: the
 * tool's argv, the destination's environment and the stdin path live in NUL-terminated files
 * beside it ({@code argv}, {@code env}, {@code stdin_path}), which bash reads into variables, so no
 * user value is ever parsed by a shell. NUL is the one byte an argv element, an environment value
 * or a path cannot hold, so every other byte (quotes, {@code $(...)}, newlines, empty strings)
 * arrives as it was.
 */
public final class SlurmScript {
  public static final String JOB_SCRIPT = "job.sh";
  public static final String ARGV = "argv";
  public static final String ENV = "env";
  public static final String STDIN_PATH = "stdin_path";
  public static final String EXIT_CODE = "exit_code";
  public static final String STDOUT = "stdout";
  public static final String STDERR = "stderr";

  public static final String MEASURE = "measure.pl";

  /**
   * The job script. The tool runs under {@link #MEASURE_SCRIPT} when the node has perl (it records
   * what the tool used in {@code usage}); without perl it runs directly and bash's {@code times}
   * records its CPU use only. Slurm's own accounting (sacct) needs slurmdbd, which a small cluster
   * may not run, so the job measures itself. mv is called by absolute path because {@code env} may
   * change PATH; exit_code is written to a temporary file and renamed so a reader never sees half a
   * number.
   */
  static final String SCRIPT = """
      #!/bin/bash
      # Written by Galley. Constant: the tool's argv and environment come from the files beside it.
      while IFS= read -r -d '' kv; do export "$kv"; done < env
      export GALLEY_SLOTS="${SLURM_CPUS_PER_TASK:-1}"
      if [ -n "${SLURM_MEM_PER_NODE:-}" ]; then export GALLEY_MEMORY_MB="$SLURM_MEM_PER_NODE"; fi
      in=/dev/null
      if [ -f stdin_path ]; then IFS= read -r -d '' in < stdin_path; fi
      mapfile -t -d '' argv < argv
      case "$(uname -m)" in x86_64) rusage=98 ;; aarch64) rusage=165 ;; *) rusage=0 ;; esac
      if command -v perl > /dev/null 2>&1; then
        perl measure.pl "$rusage" "${argv[@]}" < "$in"
        code=$?
      else
        "${argv[@]}" < "$in"
        code=$?
        times > usage
      fi
      printf '%s\\n' "$code" > exit_code.tmp && /bin/mv -f exit_code.tmp exit_code
      exit "$code"
      """;

  /**
   * Runs the tool (its argv as given, searched on PATH like bash does), waits for it and writes
   * {@code usage} as the local runner's launcher does (see {@link org.galley.handler.runner.ResourceUsage}):
   * getrusage(RUSAGE_CHILDREN) when its number is given, and the signal that ended the tool. Exits
   * as bash would: the tool's code, 128 + signal, 127 if not found.
   */
  static final String MEASURE_SCRIPT = """
      # Written by Galley. Constant: runs the tool given as arguments and records what it used.
      use strict; use warnings;
      my ($rusage_nr, @argv) = @ARGV;
      my $child = fork;
      if (!defined $child) { print STDERR "galley-job: fork: $!\\n"; exit 126 }
      if ($child == 0) { { no warnings; exec { $argv[0] } @argv; }
        my $missing = $!{ENOENT}; print STDERR "galley-job: $argv[0]: ", ($missing ? 'not found' : "$!"), "\\n";
        exit($missing ? 127 : 126) }
      waitpid($child, 0); my $st = $?;
      my @t = times; my @u = ($t[2], $t[3], '-');
      if ($rusage_nr) { my $b = chr(0) x 256;
        if (syscall($rusage_nr, -1, $b) == 0) { my @r = unpack('q5', $b);
          @u = (sprintf('%.6f', $r[0] + $r[1] / 1e6), sprintf('%.6f', $r[2] + $r[3] / 1e6), $r[4]) } }
      if (open(my $f, '>', 'usage')) { print $f join(' ', @u, $st & 127), "\\n"; close $f }
      exit(($st & 127) ? 128 + ($st & 127) : $st >> 8);
      """;

  private SlurmScript() {}

  /** Writes job.sh, argv, env (and stdin_path) into {@code dir}; returns the script's path. */
  public static Path write(Path dir, List<String> argv, Optional<Path> stdin, Map<String, String> env)
      throws IOException {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv is empty");
    }
    ByteArrayOutputStream args = new ByteArrayOutputStream();
    for (String a : argv) {
      terminated(args, a, "argv element");
    }
    ByteArrayOutputStream vars = new ByteArrayOutputStream();
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("not an environment variable name: " + e.getKey());
      }
      terminated(vars, e.getKey() + "=" + e.getValue(), "environment value of " + e.getKey());
    }
    Files.write(dir.resolve(ARGV), args.toByteArray());
    Files.write(dir.resolve(ENV), vars.toByteArray());
    Path stdinPath = dir.resolve(STDIN_PATH);
    if (stdin.isPresent()) {
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      terminated(in, stdin.get().toAbsolutePath().toString(), "stdin path");
      Files.write(stdinPath, in.toByteArray());
    } else {
      Files.deleteIfExists(stdinPath);
    }
    Files.writeString(dir.resolve(MEASURE), MEASURE_SCRIPT, StandardCharsets.UTF_8);
    Path script = dir.resolve(JOB_SCRIPT);
    Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static void terminated(ByteArrayOutputStream out, String value, String what) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL byte");
    }
    out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }

  /** The exit code the script recorded; empty while it runs, or if it was killed before. */
  public static Optional<Integer> exitCode(Path dir) throws IOException {
    Path f = dir.resolve(EXIT_CODE);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(Files.readString(f).strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
