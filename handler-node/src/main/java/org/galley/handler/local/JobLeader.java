package org.galley.handler.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A job's session and group leader, however started.
 *
 * @param exit completes with its status as a shell reports it (exit code, or 128 + signal); null
 *     when that is unknown (the launcher died)
 * @param process the JVM's own child, signalled directly too; null when the launcher started it
 *     (it led its group before it was reported started, so the group signal reaches it)
 */
record JobLeader(long pid, CompletableFuture<Integer> exit, Process process) {
  boolean alive() {
    return !exit.isDone();
  }

  void signal(boolean force) {
    if (process != null) {
      if (force) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
    }
  }

  /** Started by the JVM's {@link PerlLauncher}. */
  static JobLeader launch(Path dir, Path stdin, List<String> argv) throws IOException {
    PerlLauncher.Started started = PerlLauncher.shared().launch(dir, stdin, argv);
    return new JobLeader(started.pid(), started.exit(), null);
  }

  /** setsid(1) and the shell wrapper, one ProcessBuilder start per job. */
  static JobLeader spawn(Path dir, Path stdin, List<String> argv, String wrapper, Duration leadershipTimeout)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("setsid", "--wait", "sh", "-c", wrapper, "galley-job"));
    command.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectInput(stdin.toFile())
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile());
    pb.environment().keySet().removeIf(name -> name.startsWith("GALLEY_"));
    Process process = pb.start();
    if (!ProcessGroups.awaitLeadership(process, leadershipTimeout)) {
      process.destroyForcibly();
      throw new IOException("process " + process.pid() + " did not become a process group leader within "
          + leadershipTimeout.toSeconds() + " s; killed it");
    }
    return new JobLeader(process.pid(), process.onExit().thenApply(Process::exitValue), process);
  }
}
