package org.galley.handler;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.galley.core.output.JobOutputStore;
import org.galley.core.output.OutputTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the end of each ended attempt's stdout and stderr in the database ({@link JobOutputStore})
 * just before its end is recorded, so that a web node on another machine serves them. Empty outputs,
 * the usual case of a busy handler, cost two stats and no write. Runs where the end is recorded, off
 * the actor's thread, and again with it when that write is retried. Blocks.
 */
final class OutputKeeper {
  private static final Logger log = LoggerFactory.getLogger(OutputKeeper.class);

  /** Keeps nothing: for handlers whose web nodes share their job directories, and tests. */
  static final OutputKeeper NONE = new OutputKeeper(null, 0);

  private final JobOutputStore store;
  private final long keep;

  OutputKeeper(JobOutputStore store, long keep) {
    if (keep < 0 || keep > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("galley.jobs.keep-output: 0 to 2g, got " + keep);
    }
    this.store = store;
    this.keep = keep;
  }

  /** {@code galley.jobs.keep-output} bytes of each output, kept in the job database. */
  static OutputKeeper fromConfig(Config config, JobOutputStore store) {
    return new OutputKeeper(store, config.getMemorySize("galley.jobs.keep-output").toBytes());
  }

  /** One ended attempt and its job directory (null when it never had one). */
  record Ended(long jobId, int attempt, Path directory) {}

  /** Reads the outputs of the attempts and writes the non-empty ones in one statement. */
  void keep(String handler, List<Ended> ended) {
    if (keep == 0) {
      return;
    }
    List<JobOutputStore.Kept> kept = new ArrayList<>();
    for (Ended e : ended) {
      if (e.directory() == null) {
        continue;
      }
      try {
        kept.add(new JobOutputStore.Kept(e.jobId(), e.attempt(),
            OutputTail.read(e.directory().resolve("stdout"), keep), OutputTail.read(e.directory().resolve("stderr"), keep)));
      } catch (RuntimeException unreadable) {
        // The end must still be recorded; the web node then serves what the directory shows.
        log.warn("job {} attempt {}: outputs not kept: {}", e.jobId(), e.attempt(), unreadable.toString());
      }
    }
    store.keepAll(handler, kept);
  }
}
