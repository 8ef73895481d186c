package org.galley.web.jobs;

import java.nio.file.Path;
import java.util.Optional;
import org.galley.core.job.Job;
import org.galley.core.output.JobOutputStore;
import org.galley.core.output.OutputTail;

/**
 * The two outputs of a job the API serves. An ended job's come from the database, where its handler
 * kept their ends ({@code job_output}, {@code galley.jobs.keep-output}), so a web node serves them
 * without sharing the handler's file system; a running job's (and an ended job without a kept row:
 * empty outputs, or ended before outputs were kept) from the job directory, if this node sees it.
 * The file names are fixed here, never taken from the request ({@link OutputTail} reads only
 * regular files).
 */
public enum JobOutput {
  STDOUT("stdout"),
  STDERR("stderr");

  private final String fileName;

  JobOutput(String fileName) {
    this.fileName = fileName;
  }

  String fileName() {
    return fileName;
  }

  /** What was read, and how many bytes at the start were left out to stay within the limit. */
  public record Content(byte[] bytes, long skipped) {
    static final Content EMPTY = new Content(new byte[0], 0);

    public static Content of(OutputTail tail) {
      return new Content(tail.bytes(), tail.skipped());
    }
  }

  /** This output of the job: at most its last {@code max} bytes. Blocks (JDBC, files). */
  public Content of(Job job, JobOutputStore kept, long max) {
    if (job.state().isTerminal()) {
      Optional<JobOutputStore.Stored> stored = kept.find(job.id()).filter(s -> s.attempt() == job.attempt());
      if (stored.isPresent()) {
        return Content.of((this == STDOUT ? stored.get().stdout() : stored.get().stderr()).last(max));
      }
    }
    return job.workingDirectory() == null ? Content.EMPTY : read(Path.of(job.workingDirectory()), max);
  }

  /**
   * Reads this file of {@code directory}: all of it, or its last {@code max} bytes, where a job
   * says how it ended. Empty if the directory or file does not exist (yet). Blocks.
   */
  Content read(Path directory, long max) {
    return Content.of(OutputTail.read(directory.resolve(fileName), max));
  }
}
