package org.galley.core.job;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.galley.protocol.JobState;

/**
 * A page of the job list, newest first by {@code orderBy}. An empty owner lists every user's jobs
 * (admin); empty states, tool id or bounds do not filter. {@code updatedFrom} (inclusive) and
 * {@code updatedBefore} (exclusive) bound the update time, as Galaxy's {@code date_range_min/max}.
 */
public record JobQuery(Optional<String> owner, Set<JobState> states, Optional<String> toolId, int limit, int offset,
    Order orderBy, Optional<Instant> updatedFrom, Optional<Instant> updatedBefore) {
  public static final int MAX_LIMIT = 500;

  /** Galaxy's {@code order_by}: newest first by creation (Galley's id order) or by last update. */
  public enum Order { CREATE_TIME, UPDATE_TIME }

  public JobQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    states = Set.copyOf(states);
  }

  /** Newest created first, no time bounds. */
  public JobQuery(Optional<String> owner, Set<JobState> states, Optional<String> toolId, int limit, int offset) {
    this(owner, states, toolId, limit, offset, Order.CREATE_TIME, Optional.empty(), Optional.empty());
  }

  /** This query as one statement and its bound values, in order. */
  record Sql(String text, Object[] args) {}

  /** The statement of {@link JobStore#list}: only the filters given, newest first, one page. */
  Sql sql() {
    StringBuilder sql = new StringBuilder("SELECT * FROM job WHERE true");
    java.util.List<Object> args = new java.util.ArrayList<>();
    owner.ifPresent(o -> {
      sql.append(" AND owner = ?");
      args.add(o);
    });
    if (!states.isEmpty()) {
      sql.append(" AND state = ANY (?)");
      args.add(states.stream().map(JobState::dbName).toArray(String[]::new));
    }
    toolId.ifPresent(t -> {
      sql.append(" AND tool_id = ?");
      args.add(t);
    });
    updatedFrom().ifPresent(t -> {
      sql.append(" AND update_time >= ?");
      args.add(t.atOffset(java.time.ZoneOffset.UTC));
    });
    updatedBefore().ifPresent(t -> {
      sql.append(" AND update_time < ?");
      args.add(t.atOffset(java.time.ZoneOffset.UTC));
    });
    // Ids grow with creation: id order is creation order, on the primary key.
    sql.append(orderBy() == Order.UPDATE_TIME ? " ORDER BY update_time DESC, id DESC" : " ORDER BY id DESC");
    sql.append(" LIMIT ? OFFSET ?");
    args.add(limit);
    args.add(offset);
    return new Sql(sql.toString(), args.toArray());
  }
}
