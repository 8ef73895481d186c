package org.galley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a chaos run left behind, read from the job table and the jobs' own record of their runs.
 *
 * @param accepted submissions answered 201 (distinct keys)
 * @param failedSubmissions submissions refused with something other than 502/503, or given up
 * @param lost accepted jobs missing from the table
 * @param stuck accepted jobs not terminal when the settle time ran out
 * @param duplicates keys (tags) with more than one job row
 * @param ranTwiceProcesses jobs two of whose processes ran at the same time (their own record)
 * @param ranTwiceTable jobs whose history shows a second attempt running before the first ended
 * @param states accepted jobs by state
 * @param reruns jobs that ran more than once, one run after another (after a fault)
 * @param worstWaitSeconds the longest create_time → start_time (of its last attempt) of an accepted job
 * @param worstEndSeconds the longest create_time → end_time
 * @param faults the faults injected, in order
 * @param details examples of what went wrong, for the report
 */
public record ChaosReport(double seconds, int submissions, int retries, int accepted, int failedSubmissions, int lost,
    int stuck, int duplicates, int ranTwiceProcesses, int ranTwiceTable, Map<String, Integer> states, int reruns,
    double worstWaitSeconds, double worstEndSeconds, List<ChaosFaults.Fault> faults, List<String> details) {

  /** Nothing lost, stuck, written twice or run twice at once; every submission accepted. */
  public boolean clean() {
    return failedSubmissions == 0 && lost == 0 && stuck == 0 && duplicates == 0 && ranTwiceProcesses == 0
        && ranTwiceTable == 0;
  }

  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("chaos: " + faults.size() + " faults injected:");
    faults.forEach(f -> out.add("chaos:   " + f));
    Map<ChaosFaults.Kind, Integer> byKind = new TreeMap<>();
    faults.forEach(f -> byKind.merge(f.kind(), 1, Integer::sum));
    out.add("chaos: faults by kind " + byKind);
    out.add(String.format(Locale.ROOT, "chaos: %d submissions (%d retries), %d accepted, %d failed; jobs by state %s",
        submissions, retries, accepted, failedSubmissions, states));
    out.add(String.format(Locale.ROOT, "chaos: lost=%d stuck=%d duplicates=%d ran_twice_at_once=%d (processes) %d (job_history)"
        + " reruns=%d worst_wait=%.1f s worst_create_to_end=%.1f s", lost, stuck, duplicates, ranTwiceProcesses,
        ranTwiceTable, reruns, worstWaitSeconds, worstEndSeconds));
    details.forEach(d -> out.add("chaos:   " + d));
    out.add(clean() ? "chaos: clean: nothing lost, stuck, written twice or run twice at once"
        : "chaos: NOT CLEAN: see the counts and examples above");
    return out;
  }

  /** The bench's one-line form. */
  Result result() {
    Result r = new Result("chaos", accepted, seconds, accepted / seconds, new double[0], Result.NONE, Map.of());
    return r.with("lost", Integer.toString(lost)).with("stuck", Integer.toString(stuck))
        .with("ran_twice", Integer.toString(ranTwiceProcesses + ranTwiceTable))
        .with("duplicates", Integer.toString(duplicates)).with("failed", Integer.toString(failedSubmissions))
        .with("error", Integer.toString(states.getOrDefault("error", 0))).with("faults", Integer.toString(faults.size()))
        .with("worst_wait_s", Result.fmt(worstWaitSeconds, 1));
  }

  static ChaosReport of(ChaosCluster cluster, ChaosLoad load, List<ChaosFaults.Fault> faults, double seconds)
      throws SQLException, IOException {
    List<String> details = new ArrayList<>();
    Collection<Long> acceptedIds = new HashSet<>(load.jobOfKey.values());
    Map<String, Integer> states = new TreeMap<>();
    Map<String, Integer> rowsPerTag = new HashMap<>();
    Set<Long> present = new HashSet<>();
    int stuck = 0;
    double worstWait = 0;
    double worstEnd = 0;
    try (Connection c = cluster.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("""
          SELECT id, state, attempt, info, create_time, start_time, end_time, inputs->>'tag'
          FROM job WHERE tool_id = 'chaos_job'""")) {
        while (rs.next()) {
          long id = rs.getLong(1);
          String state = rs.getString(2);
          rowsPerTag.merge(rs.getString(8), 1, Integer::sum);
          if (!acceptedIds.contains(id)) {
            continue;
          }
          present.add(id);
          states.merge(state, 1, Integer::sum);
          if (!List.of("ok", "error", "deleted").contains(state)) {
            stuck++;
            note(details, "stuck: job " + id + " " + state + " attempt " + rs.getInt(3) + ": " + rs.getString(4));
          } else if (state.equals("error")) {
            note(details, "error: job " + id + " attempt " + rs.getInt(3) + ": " + rs.getString(4));
          }
          worstWait = Math.max(worstWait, secondsBetween(rs.getTimestamp(5), rs.getTimestamp(6)));
          worstEnd = Math.max(worstEnd, secondsBetween(rs.getTimestamp(5), rs.getTimestamp(7)));
        }
      }
      int ranTwiceTable = historyOverlaps(st, details);
      int lost = acceptedIds.size() - present.size();
      if (lost > 0) {
        acceptedIds.stream().filter(id -> !present.contains(id)).limit(5).forEach(id -> note(details, "lost: job " + id));
      }
      int duplicates = (int) rowsPerTag.values().stream().filter(n -> n > 1).count();
      int[] runs = processOverlaps(cluster.runsLog, details);
      load.failures.stream().limit(5).forEach(f -> note(details, "failed submission: " + f));
      load.conflicting.forEach(f -> note(details, "one key, two jobs: " + f));
      return new ChaosReport(seconds, load.submissions(), load.retries.get(), load.jobOfKey.size(), load.failures.size(),
          lost, stuck, duplicates + load.conflicting.size(), runs[0], ranTwiceTable, states, runs[1], worstWait, worstEnd,
          List.copyOf(faults), details);
    }
  }

  /**
   * Jobs whose history has a {@code running} row of one attempt while another attempt was still
   * running by the table: a running attempt ends at the next row of the job that is not its own
   * {@code deleting}.
   */
  private static int historyOverlaps(Statement st, List<String> details) throws SQLException {
    int overlaps = 0;
    try (ResultSet rs = st.executeQuery("""
        SELECT h.job_id, h.attempt, h.state, h.handler FROM job_history h JOIN job j ON j.id = h.job_id
        WHERE j.tool_id = 'chaos_job' ORDER BY h.job_id, h.id""")) {
      long job = -1;
      int running = -1;
      boolean counted = false;
      while (rs.next()) {
        if (rs.getLong(1) != job) {
          job = rs.getLong(1);
          running = -1;
          counted = false;
        }
        int attempt = rs.getInt(2);
        String state = rs.getString(3);
        if (state.equals("running")) {
          if (running >= 0 && running != attempt && !counted) {
            overlaps++;
            counted = true;
            note(details, "job_history: job " + job + " attempt " + attempt + " running on " + rs.getString(4)
                + " while attempt " + running + " was");
          }
          running = attempt;
        } else if (!(state.equals("deleting") && attempt == running)) {
          running = -1;
        }
      }
    }
    return overlaps;
  }

  /** {jobs two of whose runs overlapped in time, jobs that ran more than once}, from runs.log. */
  private static int[] processOverlaps(Path runsLog, List<String> details) throws IOException {
    Map<String, Map<String, long[]>> spans = new HashMap<>(); // tag -> pid -> {first, last}
    if (Files.exists(runsLog)) {
      for (String line : Files.readAllLines(runsLog)) {
        String[] p = line.trim().split(" ");
        if (p.length != 4) {
          continue; // a line cut short by a kill
        }
        long t = Long.parseLong(p[3].replace(".", "")); // $EPOCHREALTIME: always six decimals
        long[] span = spans.computeIfAbsent(p[1], k -> new HashMap<>()).computeIfAbsent(p[2], k -> new long[] {t, t});
        span[0] = Math.min(span[0], t);
        span[1] = Math.max(span[1], t);
      }
    }
    int overlapping = 0;
    int reruns = 0;
    for (Map.Entry<String, Map<String, long[]>> e : spans.entrySet()) {
      List<long[]> runs = new ArrayList<>(e.getValue().values());
      if (runs.size() < 2) {
        continue;
      }
      reruns++;
      runs.sort((a, b) -> Long.compare(a[0], b[0]));
      for (int i = 1; i < runs.size(); i++) {
        if (runs.get(i)[0] <= runs.get(i - 1)[1]) {
          overlapping++;
          note(details, "processes: " + e.getKey() + " ran twice at once (" + runs.size() + " runs; one began "
              + (runs.get(i - 1)[1] - runs.get(i)[0]) / 1000 + " ms before the previous one's last record)");
          break;
        }
      }
    }
    return new int[] {overlapping, reruns};
  }

  private static double secondsBetween(Timestamp from, Timestamp to) {
    return from == null || to == null ? 0 : (to.getTime() - from.getTime()) / 1000.0;
  }

  private static void note(List<String> details, String d) {
    if (details.size() < 40) {
      details.add(d);
    }
  }
}
