package org.galley.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One frame of {@code galley top}, from what the API answered: the job lock, handlers with their
 * slots, the queue of new jobs per pool, and jobs ended per second over the last {@link #WINDOW}.
 * Pure: the command fetches and draws, this only words.
 */
final class TopView {
  static final Duration WINDOW = Duration.ofSeconds(10);
  /** The API's page limit: above it counts are shown as "≥". */
  static final int PAGE = 500;

  private TopView() {}

  /**
   * @param handlers {@code GET /api/handlers}; @param newJobs {@code GET /api/jobs?state=new}
   * @param ended {@code GET /api/jobs?state=ok,error,deleted&order_by=update_time}, newest first
   */
  static String render(Instant now, boolean locked, JsonNode handlers, JsonNode newJobs, JsonNode ended) {
    StringBuilder b = new StringBuilder();
    long recent = 0;
    for (JsonNode j : ended) {
      if (!Instant.parse(j.path("update_time").asText()).isBefore(now.minus(WINDOW))) {
        recent++;
      }
    }
    String rate = String.format("%.1f", recent / (double) WINDOW.toSeconds());
    b.append("galley top   ").append(now.toString(), 11, 19).append(" UTC   job lock ").append(locked ? "ON" : "off")
        .append("   ended/s ").append(recent >= PAGE ? "≥" : "").append(rate).append("   (q quits)\n\n");
    String format = "%-20s %-20s %7s %7s %5s %-7s%n";
    b.append(String.format(format, "HANDLER", "POOLS", "WORKERS", "RUNNING", "FREE", "DRAINED"));
    int workers = 0;
    int running = 0;
    for (JsonNode h : handlers.path("handlers")) {
      StringBuilder pools = new StringBuilder();
      h.path("pools").forEach(p -> pools.append(pools.length() == 0 ? "" : ",").append(p.asText()));
      b.append(String.format(format, h.path("name").asText(), pools, h.path("workers").asInt(),
          h.path("running").asInt(), h.path("free_slots").asInt(), h.path("drained").asBoolean() ? "yes" : "no"));
      workers += h.path("workers").asInt();
      running += h.path("running").asInt();
    }
    b.append(String.format(format, "(all)", "", workers, running, "", ""));
    Map<String, Integer> queue = new TreeMap<>();
    newJobs.forEach(j -> queue.merge(j.path("pool").asText("?"), 1, Integer::sum));
    b.append(String.format("%n%-20s %7s%n", "POOL", "NEW"));
    queue.forEach((pool, n) -> b.append(String.format("%-20s %7s%n", pool, (newJobs.size() >= PAGE ? "≥" : "") + n)));
    if (queue.isEmpty()) {
      b.append("(no new jobs)\n");
    }
    return b.toString();
  }
}
