package org.galley.core.dispatch;

import org.galley.core.settings.AssignMethod;

/**
 * What a web node tells the cluster after it changed jobs in the table. All are hints that make
 * work start at once; the table stays the truth and sweeps or polls find whatever a lost hint missed.
 */
public interface JobEvents {
  /** {@code count} new jobs of {@code pool} were committed for the cluster method. */
  void submitted(String pool, int count);

  /**
   * New jobs of {@code pool} were committed for a method whose handlers claim them from the table
   * ({@link AssignMethod#handlerPolls()}). Does nothing unless overridden: handlers then find them
   * at their next poll.
   */
  default void claimable(String pool, AssignMethod method) {}

  /** Job {@code jobId} held by {@code handler} was marked {@code deleting}. */
  void cancelRequested(long jobId, String handler);
}
