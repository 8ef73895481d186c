package org.galley.protocol;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Job states as in Galaxy: {@code new → queued → running → ok | error}; cancel: {@code deleting → deleted}. */
public enum JobState {
  NEW,
  QUEUED,
  RUNNING,
  OK,
  ERROR,
  DELETING,
  DELETED;

  /** States no job leaves. */
  public static final Set<JobState> TERMINAL = EnumSet.of(OK, ERROR, DELETED);

  /** States in which a handler owns the job (the attempt is running or about to). */
  public static final Set<JobState> HELD_BY_HANDLER = EnumSet.of(QUEUED, RUNNING, DELETING);

  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  /** The lower-case name stored in the database and shown in the API. */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobState fromDb(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** Parses an API or database name; throws {@link IllegalArgumentException} naming the value. */
  public static JobState parse(String name) {
    for (JobState s : values()) {
      if (s.dbName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown job state '" + name + "'");
  }
}
