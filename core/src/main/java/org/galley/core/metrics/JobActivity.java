package org.galley.core.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Throughput and dispatch latency of the whole cluster over the last minutes, for the dashboard:
 * every {@link #INTERVAL} one sample of what {@code job_history} gained since the previous one
 * (jobs ended; jobs started and how long they waited from creation to their start), kept in a ring of
 * {@link #KEPT} samples in memory. The history's ids grow with every state change, so a sample reads
 * only the rows appended since the last (a range of its primary key) and looks up the job row of
 * each start: its cost follows the activity, never the size of the table. At most
 * {@link #MAX_ROWS} rows per sample: beyond that (over 20,000 changes a second) the rest is
 * counted by the next sample.
 */
public final class JobActivity {
  private static final Logger log = LoggerFactory.getLogger(JobActivity.class);
  public static final Duration INTERVAL = Duration.ofSeconds(5);
  /** Ten minutes of samples. */
  public static final int KEPT = 120;
  static final int MAX_ROWS = 100_000;
  /** Starts whose latency one sample looks up, about: beyond, every k-th. */
  static final int MAX_LATENCIES = 1_000;

  static final String LAST_HISTORY_ID = "SELECT coalesce(max(id), 0) FROM job_history";

  /**
   * What happened after history row {@code ?}: the ends and starts among the next rows, and the
   * create → start latency of at most about {@link #MAX_LATENCIES} of the starts, every k-th in
   * order, so that a burst costs a bounded number of lookups of {@code job}. The job's create time
   * comes from a scalar subquery (never turned into a join, so never a scan of {@code job}).
   */
  static final String SINCE = """
      WITH recent AS (
        SELECT id, state, job_id, time FROM job_history
        WHERE id > ?                  -- the last row the previous sample saw
        ORDER BY id LIMIT ?),         -- MAX_ROWS
      counts AS (
        SELECT max(id) AS last, count(*) FILTER (WHERE state IN ('ok', 'error', 'deleted')) AS ended,
               count(*) FILTER (WHERE state = 'running') AS started
        FROM recent),
      starts AS (
        SELECT time, job_id, row_number() OVER (ORDER BY id) AS n FROM recent WHERE state = 'running'),
      picked AS (
        SELECT extract(epoch FROM s.time - (SELECT j.create_time FROM job j WHERE j.id = s.job_id)) AS latency
        FROM starts s, counts c
        WHERE (s.n - 1) % greatest(1, ceil(c.started / ?::numeric))::bigint = 0)  -- MAX_LATENCIES
      SELECT c.last, c.ended, c.started,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latency) FROM picked),
             (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY latency) FROM picked)
      FROM counts c
      """;

  /**
   * One interval.
   *
   * @param ended jobs that reached ok, error or deleted
   * @param started attempts that started running
   * @param dispatchP50Seconds median create → start of those, null if none started
   */
  public record Sample(Instant time, double seconds, long ended, long started, Double dispatchP50Seconds,
      Double dispatchP95Seconds) {}

  private final DataSource dataSource;
  private final Clock clock;
  private final ArrayDeque<Sample> ring = new ArrayDeque<>();
  private long lastId = -1;
  private Instant lastTime;

  /** Samples only when {@link #sample()} is called (tests, measurements); {@link #start} schedules them. */
  public JobActivity(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Samples every {@link #INTERVAL} on {@code blocking} (JDBC), from now on. */
  public static JobActivity start(ActorSystem<?> system, DataSource dataSource, ExecutionContextExecutor blocking) {
    JobActivity activity = new JobActivity(dataSource, Clock.systemUTC());
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, INTERVAL, activity::sampleQuietly, blocking);
    return activity;
  }

  /** The samples kept, oldest first. */
  public synchronized List<Sample> samples() {
    return List.copyOf(ring);
  }

  /** Takes one sample (the first only marks where the history stands); public to tests. Blocks. */
  public synchronized void sample() throws SQLException {
    Instant now = clock.instant();
    try (Connection c = dataSource.getConnection()) {
      if (lastId < 0) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LAST_HISTORY_ID)) {
          rs.next();
          lastId = rs.getLong(1);
        }
        lastTime = now;
        return;
      }
      try (PreparedStatement ps = c.prepareStatement(SINCE)) {
        ps.setLong(1, lastId);
        ps.setInt(2, MAX_ROWS);
        ps.setInt(3, MAX_LATENCIES);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long max = rs.getLong(1);
          boolean any = !rs.wasNull();
          Sample s = new Sample(now, Duration.between(lastTime, now).toMillis() / 1000.0, rs.getLong(2), rs.getLong(3),
              nullable(rs, 4), nullable(rs, 5));
          if (any) {
            lastId = max;
          }
          lastTime = now;
          ring.addLast(s);
          while (ring.size() > KEPT) {
            ring.removeFirst();
          }
        }
      }
    }
  }

  private static Double nullable(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (SQLException | RuntimeException e) {
      log.warn("sampling job activity for the dashboard failed; trying again in {} s: {}", INTERVAL.toSeconds(), e.toString());
    }
  }
}
