package org.galley.core.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.galley.protocol.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The {@code galley_jobs{pool, state}} gauge: jobs in the table by pool and state, counted every
 * {@code galley.metrics.job-counts-interval} in the background. A scrape reads the last count, so
 * it costs no scan however large the table; the count may be that interval old. Every state of a
 * pool that has jobs is shown, 0 included, so that a state emptied shows 0 rather than vanishing.
 */
public final class JobCounts {
  private static final Logger log = LoggerFactory.getLogger(JobCounts.class);

  public static final String COUNT_BY_POOL_AND_STATE = """
      SELECT pool, state, count(*) FROM job GROUP BY pool, state
      """;

  private final DataSource dataSource;
  /** The last count: pool → state → jobs; replaced whole, read by scrapes. */
  private volatile Map<String, Map<JobState, Long>> last = Map.of();

  JobCounts(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Registers the gauge on the node's registry and counts now and every {@code interval}. */
  public static JobCounts start(ActorSystem<?> system, DataSource dataSource, Duration interval,
      ExecutionContextExecutor blocking) {
    JobCounts counts = new JobCounts(dataSource);
    GaugeWithCallback.builder().name("galley_jobs").help("Jobs in the table by pool and state (counted every "
            + interval.toSeconds() + " s, not at the scrape)")
        .labelNames("pool", "state")
        .callback(cb -> counts.last.forEach((pool, states) -> states.forEach((state, n) ->
            cb.call(n, pool, state.dbName()))))
        .register(Metrics.get(system).registry());
    // JDBC blocks: on the blocking dispatcher, never on the scheduler's or the actors' threads.
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, interval, counts::refreshQuietly, blocking);
    return counts;
  }

  /** Counts once; public to tests and to a bench. */
  public void refresh() throws SQLException {
    Map<String, Map<JobState, Long>> counted = new HashMap<>();
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(COUNT_BY_POOL_AND_STATE)) {
      while (rs.next()) {
        counted.computeIfAbsent(rs.getString(1), p -> zeros()).put(JobState.fromDb(rs.getString(2)), rs.getLong(3));
      }
    }
    last = Map.copyOf(counted);
  }

  /** The pools in the last count, sorted. */
  public TreeSet<String> pools() {
    return new TreeSet<>(last.keySet());
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (SQLException | RuntimeException e) {
      log.warn("counting jobs by pool and state for /metrics failed; the gauge keeps the last count: {}", e.toString());
    }
  }

  private static Map<JobState, Long> zeros() {
    Map<JobState, Long> m = new java.util.EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      m.put(s, 0L);
    }
    return m;
  }
}
