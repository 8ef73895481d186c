package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.galley.core.dispatch.Assignment;
import org.galley.core.job.Job;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.NodeSettings;
import org.galley.core.settings.StaticHandlers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A web-only node with {@code assign-with = [db-self, db-preassign]} and one static handler of
 * pool default: db-self cannot apply (no handler role), so default jobs are preassigned; a pool no
 * static handler serves has no method, and its submission fails whole, writing nothing.
 */
class AssignmentFallbackIT extends RunningWebNode {
  String alice;

  @Override
  String extraConfig() {
    return """
        galley.tools.list += { id = big_sort, version = "1.0", description = "sort in pool big", pool = big,
          argv = ["sort"], parameters = [] }
        galley.tools.list += { id = pinned, version = "1.0", description = "runs on handler h9 only", handler = h9,
          argv = ["true"], parameters = [] }
        """;
  }

  @Override
  Assignment assignment(NodeSettings node) {
    return new Assignment(List.of(AssignMethod.DB_SELF, AssignMethod.DB_PREASSIGN), node,
        new StaticHandlers(Map.of("s1", Set.of("default"))), new Random(1));
  }

  @BeforeAll
  void createUser() {
    alice = api.newUser(ADMIN_KEY, "alice");
  }

  @Test
  void aMethodThatCannotApplyPassesTheJobToTheNext() {
    JsonNode job = api.post("/api/jobs", alice, "{\"tool_id\": \"noop\", \"inputs\": {}}").json();
    Job row = jobs.find(job.path("id").asLong()).orElseThrow();
    assertEquals("s1", row.handler(), "preassigned to the only static handler of default");
    assertTrue(events.claimable.contains("default db-preassign"), events.claimable.toString());
  }

  @Test
  void whenNoMethodAppliesTheWholeSubmissionFailsAndWritesNothing() {
    api.writesNothing(() -> api.post("/api/jobs", alice, "{\"tool_id\": \"big_sort\", \"inputs\": {}}"))
        .isError(503, "no assignment method of galley.jobs.assign-with applies to pool 'big'");
    api.writesNothing(() -> api.post("/api/jobs", alice,
            "[{\"tool_id\": \"noop\", \"inputs\": {}}, {\"tool_id\": \"big_sort\", \"inputs\": {}}]"))
        .isError(503, "[1].tool big_sort: no assignment method");
  }

  @Test
  void aToolMappedToOneHandlerBypassesEveryMethod() {
    JsonNode job = api.post("/api/jobs", alice, "{\"tool_id\": \"pinned\", \"inputs\": {}}").json();
    Job row = jobs.find(job.path("id").asLong()).orElseThrow();
    assertEquals("handler.h9", row.pool());
    assertEquals(null, row.handler());
    assertTrue(events.submitted.stream().anyMatch(s -> s.pool().equals("handler.h9")), "told the handler's dispatcher");
  }
}
