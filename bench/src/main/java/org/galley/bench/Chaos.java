package org.galley.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./galley bench chaos}: two web nodes and three handlers on a {@code galley db} under
 * keyed submissions at a steady rate ({@link ChaosLoad}) while {@link ChaosFaults} kills -9,
 * freezes and restarts random nodes and restarts the database; then the faults stop, every node
 * is running again, and the run waits for every accepted job to end and reports what the table
 * and the jobs' own records show ({@link ChaosReport}). Also run, short, by multi-jvm-tests'
 * {@code ChaosIT}.
 */
public final class Chaos {
  private Chaos() {}

  /**
   * @param dist the distribution's lib folder
   * @param dir where the run's state and logs go
   * @param nodeJvmOptions the nodes' JVM options
   * @param nodeProperties further {@code -Dgalley.*} options of the nodes
   */
  public static ChaosReport run(ChaosSettings settings, Path dist, Path dir, List<String> nodeJvmOptions,
      List<String> nodeProperties) throws Exception {
    System.err.println("chaos: " + settings + "; state and logs in " + dir);
    try (ChaosCluster cluster = ChaosCluster.start(dir, dist, nodeJvmOptions, nodeProperties, settings.workers());
        ChaosLoad load = new ChaosLoad(cluster.webUrls())) {
      long t0 = System.nanoTime();
      load.start(settings.rate());
      ChaosFaults faults = new ChaosFaults(cluster, settings);
      faults.run();
      load.finish();
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.err.println("chaos: faults over after " + Math.round(seconds) + " s; waiting for the accepted jobs to end");
      awaitEnded(cluster, settings.settle());
      return ChaosReport.of(cluster, load, faults.injected, seconds);
    }
  }

  /** Until no chaos job is non-terminal, or the settle time is over (the report then counts them stuck). */
  private static void awaitEnded(ChaosCluster cluster, Duration settle) throws Exception {
    long deadline = System.nanoTime() + settle.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = cluster.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT count(*) FROM job WHERE tool_id = 'chaos_job' AND state NOT IN ('ok', 'error', 'deleted')")) {
        rs.next();
        if (rs.getLong(1) == 0) {
          return;
        }
      }
      cluster.restartDead();
      TimeUnit.MILLISECONDS.sleep(500); // poll interval of a deadline-bounded wait
    }
  }
}
