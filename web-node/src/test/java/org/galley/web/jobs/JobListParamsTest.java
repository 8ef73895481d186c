package org.galley.web.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.galley.core.job.JobQuery;
import org.galley.protocol.JobState;
import org.junit.jupiter.api.Test;
import org.galley.web.auth.Caller;
import org.galley.web.http.ApiException;
import org.galley.web.http.ErrorCode;

class JobListParamsTest {
  static final Caller ALICE = new Caller("alice", false);
  static final Caller ADMIN = new Caller("admin", true);

  static String refusal(Map<String, List<String>> params) {
    ApiException e = assertThrows(ApiException.class, () -> JobListParams.parse(params, ALICE, 500));
    assertEquals(ErrorCode.INVALID_QUERY, e.code());
    return e.getMessage();
  }

  @Test
  void usersListTheirOwnJobsAndAdminsEveryones() {
    assertEquals(Optional.of("alice"), JobListParams.parse(Map.of(), ALICE, 500).owner());
    assertEquals(Optional.empty(), JobListParams.parse(Map.of(), ADMIN, 500).owner());
  }

  @Test
  void withoutParametersTheDefaultPageIsTaken() {
    JobQuery q = JobListParams.parse(Map.of("key", List.of("k")), ALICE, 50);
    assertEquals(new JobQuery(Optional.of("alice"), Set.of(), Optional.empty(), 50, 0), q);
  }

  @Test
  void statesMayBeCommaSeparatedAndRepeated() {
    JobQuery q = JobListParams.parse(Map.of("state", List.of("new, queued", "ok")), ALICE, 500);
    assertEquals(Set.of(JobState.NEW, JobState.QUEUED, JobState.OK), q.states());
  }

  @Test
  void readsToolIdLimitAndOffset() {
    JobQuery q = JobListParams.parse(
        Map.of("tool_id", List.of("sort_lines"), "limit", List.of("10"), "offset", List.of("20")), ALICE, 500);
    assertEquals(Optional.of("sort_lines"), q.toolId());
    assertEquals(10, q.limit());
    assertEquals(20, q.offset());
  }

  @Test
  void anUnknownStateIsRefusedNamingTheParameter() {
    String m = refusal(Map.of("state", List.of("new,done")));
    assertTrue(m.startsWith("state: unknown job state 'done'"), m);
  }

  @Test
  void aBadLimitOrOffsetIsRefusedNamingTheParameter() {
    assertTrue(refusal(Map.of("limit", List.of("ten"))).startsWith("limit: "));
    assertTrue(refusal(Map.of("limit", List.of("0"))).startsWith("limit: "));
    assertTrue(refusal(Map.of("limit", List.of("501"))).startsWith("limit: "));
    assertTrue(refusal(Map.of("offset", List.of("-1"))).startsWith("offset: "));
    assertTrue(refusal(Map.of("limit", List.of("1", "2"))).startsWith("limit: given 2 times"));
  }
}
