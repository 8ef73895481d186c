package org.galley.web.galaxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.galley.core.job.JobQuery;
import org.junit.jupiter.api.Test;
import org.galley.web.auth.Caller;
import org.galley.web.http.ApiException;
import org.galley.web.jobs.JobListParams;

/** Galaxy's job list parameters and tool execution payload: what is read, and the 400s naming what is wrong. */
class GalaxyParamsTest {
  private static final Caller ADMIN = new Caller("admin", true);

  @Test
  void orderAndDateRangeAreRead() {
    JobQuery q = JobListParams.parse(Map.of("order_by", List.of("update_time"), "date_range_min", List.of("2026-12-01"),
        "date_range_max", List.of("2026-12-01")), ADMIN, 500);
    assertEquals(JobQuery.Order.UPDATE_TIME, q.orderBy());
    assertEquals(Optional.of(Instant.parse("2026-12-01T00:00:00Z")), q.updatedFrom());
    assertEquals(Optional.of(Instant.parse("2026-12-02T00:00:00Z")), q.updatedBefore(), "the whole last day");
    assertEquals(JobQuery.Order.CREATE_TIME, JobListParams.parse(Map.of(), ADMIN, 500).orderBy());
    assertTrue(JobListParams.userDetails(Map.of("user_details", List.of("True"))), "Python's True");
  }

  @Test
  void badListParametersAreNamed() {
    assertNamed("order_by", () -> JobListParams.parse(Map.of("order_by", List.of("id")), ADMIN, 500));
    assertNamed("date_range_min", () -> JobListParams.parse(Map.of("date_range_min", List.of("yesterday")), ADMIN, 500));
    assertNamed("user_details", () -> JobListParams.userDetails(Map.of("user_details", List.of("maybe"))));
    assertNamed("full", () -> JobListParams.bool("full", "yes please"));
  }

  @Test
  void galaxysToolPayloadIsRead() {
    GalaxyToolRequest r = GalaxyToolRequest.parse(bytes(
        "{\"tool_id\": \"sort_lines\", \"history_id\": \"h1\", \"input_format\": \"legacy\", \"inputs\": {\"text\": \"a\"}}"));
    assertEquals("sort_lines", r.submit().toolId());
    assertEquals(Map.of("text", "a"), r.submit().inputs());
    assertEquals(Optional.of("h1"), r.historyId());
  }

  @Test
  void badToolPayloadsAreNamed() {
    assertNamed("input_format", () -> GalaxyToolRequest.parse(bytes("{\"tool_id\": \"x\", \"input_format\": \"xml\"}")));
    assertNamed("history_id", () -> GalaxyToolRequest.parse(bytes("{\"tool_id\": \"x\", \"history_id\": 3}")));
    assertNamed("unknown field 'use_cached_job'",
        () -> GalaxyToolRequest.parse(bytes("{\"tool_id\": \"x\", \"use_cached_job\": true}")));
    assertNamed("tool_id", () -> GalaxyToolRequest.parse(bytes("{\"inputs\": {}}")));
  }

  private static void assertNamed(String what, org.junit.jupiter.api.function.Executable call) {
    ApiException e = assertThrows(ApiException.class, call);
    assertEquals(400, e.code().status().intValue(), e.getMessage());
    assertTrue(e.getMessage().contains(what), e.getMessage());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
