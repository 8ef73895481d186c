package org.galley.ops.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.galley.ops.cli.config.ProcessSet;

/** {@code galley follow}: every log of the set as it grows, each line prefixed with its process. */
final class FollowCommand implements Command {
  @Override
  public String name() {
    return "follow";
  }

  @Override
  public String summary() {
    return "follow all logs, each line prefixed with its process name";
  }

  @Override
  public String usage() {
    return """
        usage: galley follow [-n LINES] [--config FILE]
          Prints the last LINES (default 10) of each process's log and of supervisor.log, then every
          new line as it is written, as "NAME | line". Ctrl-C ends it.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    int lines = 10;
    int at = args.indexOf("-n");
    if (at >= 0) {
      if (at + 1 >= args.size() || !args.get(at + 1).matches("\\d{1,6}")) {
        throw new Cli.UsageException("-n needs a number of lines");
      }
      lines = Integer.parseInt(args.get(at + 1));
      args.subList(at, at + 2).clear();
    }
    Cli.noArgs(args);
    ProcessSet set = context.set();
    Map<String, Path> logs = new LinkedHashMap<>();
    logs.put("supervisor", set.logDir().resolve("supervisor.log"));
    set.processes().forEach(p -> logs.put(p.name(), p.log(set)));
    int width = logs.keySet().stream().mapToInt(String::length).max().orElse(8);
    Map<String, Long> offsets = new LinkedHashMap<>();
    for (var e : logs.entrySet()) {
      offsets.put(e.getKey(), tailStart(e.getValue(), lines));
    }
    Map<String, StringBuilder> partial = new LinkedHashMap<>();
    while (true) {
      for (var e : logs.entrySet()) {
        String prefix = String.format("%-" + width + "s | ", e.getKey());
        offsets.put(e.getKey(), print(e.getValue(), offsets.get(e.getKey()), prefix,
            partial.computeIfAbsent(e.getKey(), k -> new StringBuilder())));
      }
      System.out.flush();
      TimeUnit.MILLISECONDS.sleep(200); // how often the files are looked at
    }
  }

  /** Offset of the last {@code lines} lines of the file (0 if it is shorter or missing). */
  private static long tailStart(Path file, int lines) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long pos = f.length();
      int seen = 0;
      while (pos > 0) {
        f.seek(pos - 1);
        if (f.read() == '\n' && pos != f.length() && ++seen >= lines) {
          return pos;
        }
        pos--;
      }
      return 0;
    }
  }

  private static long print(Path file, long from, String prefix, StringBuilder partial) throws IOException {
    if (!Files.exists(file)) {
      return from;
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long end = f.length();
      if (end < from) {
        from = 0; // truncated or replaced: from the start
      }
      if (end == from) {
        return from;
      }
      byte[] bytes = new byte[(int) Math.min(end - from, 1 << 20)];
      f.seek(from);
      f.readFully(bytes);
      partial.append(new String(bytes, StandardCharsets.UTF_8));
      List<String> complete = new ArrayList<>();
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        complete.add(partial.substring(0, nl));
        partial.delete(0, nl + 1);
      }
      complete.forEach(l -> System.out.println(prefix + l));
      return from + bytes.length;
    }
  }
}
