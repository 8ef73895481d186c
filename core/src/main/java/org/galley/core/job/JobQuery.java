package org.galley.core.job;

import java.util.Optional;
import java.util.Set;
import org.galley.protocol.JobState;

/**
 * A page of the job list, newest first. An empty owner lists every user's jobs (admin); empty
 * states or tool id do not filter.
 */
public record JobQuery(Optional<String> owner, Set<JobState> states, Optional<String> toolId, int limit, int offset) {
  public static final int MAX_LIMIT = 500;

  public JobQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    states = Set.copyOf(states);
  }
}
