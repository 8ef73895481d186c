package org.galley.core.dispatch;

/**
 * What a web node tells the cluster after it changed jobs in the table. Both are hints that make
 * work start at once; the table stays the truth and sweeps find whatever a lost hint missed.
 */
public interface JobEvents {
  /** {@code count} new jobs of {@code pool} were committed. */
  void submitted(String pool, int count);

  /** Job {@code jobId} held by {@code handler} was marked {@code deleting}. */
  void cancelRequested(long jobId, String handler);
}
