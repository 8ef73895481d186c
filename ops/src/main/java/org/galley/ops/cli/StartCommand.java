package org.galley.ops.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.supervisor.ControlClient;
import org.galley.ops.cli.supervisor.SupervisorMain;

/** {@code galley start [-f]}: starts the set under a supervisor, in the background unless {@code -f}. */
final class StartCommand implements Command {
  @Override
  public String name() {
    return "start";
  }

  @Override
  public String summary() {
    return "start every process (database, web nodes, handlers) under a supervisor";
  }

  @Override
  public String usage() {
    return """
        usage: galley start [-f] [--config FILE]
          Starts the database (if embedded), then the web nodes, then the handlers, each once the one
          before answers /ready, under a supervisor that restarts a crashed process with backoff.
          Returns once all are ready (exit 0) or the start failed (exit 1, with the supervisor's log).
          -f   stay in the foreground (Ctrl-C stops everything)
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    boolean foreground = args.remove("-f") | args.remove("--foreground");
    Cli.noArgs(args);
    ProcessSet set = context.set();
    var running = ControlClient.find(set);
    if (running.isPresent()) {
      System.out.println("galley: already running (supervisor pid " + running.get().pid + "); `galley status` shows it");
      return 0;
    }
    if (foreground) {
      return SupervisorMain.run(set, System.out);
    }
    return daemonize(set);
  }

  private static int daemonize(ProcessSet set) throws IOException, InterruptedException {
    Files.createDirectories(set.logDir());
    Files.createDirectories(set.runDir());
    Path started = set.runDir().resolve(SupervisorMain.STARTED_FILE);
    Files.deleteIfExists(started);
    Path log = set.logDir().resolve("supervisor.log");
    long from = Files.exists(log) ? Files.size(log) : 0;
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // its own session: closing the terminal does not hang it up
    }
    cmd.add(set.java());
    cmd.addAll(set.supervisorJvmOptions());
    cmd.addAll(List.of("-cp", set.distLib().resolve("*").toString(), SupervisorMain.class.getName(),
        set.configFile().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + set.readyTimeout().multipliedBy(set.processes().size() + 1).toNanos();
    while (System.nanoTime() < deadline) {
      from = copy(log, from);
      if (Files.exists(started)) {
        copy(log, from);
        return 0;
      }
      if (!p.isAlive() && !Files.exists(started)) {
        copy(log, from);
        System.err.println("galley: the supervisor exited (" + p.exitValue() + "); its log: " + log);
        return 1;
      }
      TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
    }
    System.err.println("galley: the set did not start in time; `galley status`, `galley stop`; log: " + log);
    return 1;
  }

  /** Prints what the log gained since {@code from}; returns the new end. */
  private static long copy(Path log, long from) throws IOException {
    if (!Files.exists(log)) {
      return from;
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long end = f.length();
      if (end > from) {
        byte[] bytes = new byte[(int) (end - from)];
        f.seek(from);
        f.readFully(bytes);
        System.out.print(new String(bytes, StandardCharsets.UTF_8));
      }
      return Math.max(end, from);
    }
  }
}
