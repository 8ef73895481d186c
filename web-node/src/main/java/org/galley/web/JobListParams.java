package org.galley.web;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.galley.core.job.JobQuery;
import org.galley.protocol.JobState;

/**
 * The query of {@code GET /api/jobs}: {@code state} (comma-separated, may repeat), {@code tool_id},
 * {@code limit}, {@code offset}. Users list their own jobs, admins everyone's. Other parameters
 * (such as {@code key}) are not this query's business and are ignored.
 */
final class JobListParams {
  private static final String STATE_NAMES =
      Arrays.stream(JobState.values()).map(JobState::dbName).collect(Collectors.joining(", "));

  private JobListParams() {}

  /** @throws ApiException 400 naming the parameter at fault */
  static JobQuery parse(Map<String, List<String>> params, Caller caller, int defaultLimit) {
    Set<JobState> states = EnumSet.noneOf(JobState.class);
    for (String value : params.getOrDefault("state", List.of())) {
      for (String name : value.split(",")) {
        if (!name.isBlank()) {
          states.add(state(name.trim()));
        }
      }
    }
    Optional<String> toolId = single(params, "tool_id").filter(t -> !t.isBlank());
    int limit = single(params, "limit").map(v -> integer("limit", v, 1, JobQuery.MAX_LIMIT)).orElse(defaultLimit);
    int offset = single(params, "offset").map(v -> integer("offset", v, 0, Integer.MAX_VALUE)).orElse(0);
    Optional<String> owner = caller.admin() ? Optional.empty() : Optional.of(caller.name());
    return new JobQuery(owner, states, toolId, limit, offset);
  }

  private static JobState state(String name) {
    try {
      return JobState.parse(name);
    } catch (IllegalArgumentException e) {
      throw invalid("state: unknown job state '" + name + "'; expected any of " + STATE_NAMES);
    }
  }

  private static Optional<String> single(Map<String, List<String>> params, String name) {
    List<String> values = params.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw invalid(name + ": given " + values.size() + " times; give it once");
    }
    return values.stream().findFirst();
  }

  private static int integer(String name, String value, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(name + ": expected an integer from " + min + " to " + max + ", got '" + value + "'");
    }
    if (n < min || n > max) {
      throw invalid(name + ": expected an integer from " + min + " to " + max + ", got " + n);
    }
    return n;
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_QUERY, message);
  }
}
