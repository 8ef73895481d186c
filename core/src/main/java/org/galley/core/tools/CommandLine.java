package org.galley.core.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tool execution made concrete for one job directory: the argv to start (never a shell
 * string), the file to feed as standard input, and the files to write first.
 *
 * @param files path (inside the job directory) to content, for parameters passed as files
 */
public record CommandLine(List<String> argv, Optional<Path> stdin, Map<Path, String> files) {
  public CommandLine {
    argv = List.copyOf(argv);
    files = Map.copyOf(files);
  }
}
