package org.galley.web.jobs;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.galley.core.job.JobQuery;
import org.galley.protocol.JobState;
import org.galley.web.auth.Caller;
import org.galley.web.http.ApiException;
import org.galley.web.http.ErrorCode;

/**
 * The query of {@code GET /api/jobs}, as Galaxy takes it: {@code state} (comma-separated, may
 * repeat), {@code tool_id}, {@code limit}, {@code offset}, {@code order_by} ({@code create_time} or
 * {@code update_time}), {@code date_range_min/max} (a day {@code 2026-12-01}, inclusive, or an
 * ISO instant), {@code user_details} (a boolean, read by {@link #userDetails}). Users list their
 * own jobs, admins everyone's. Other parameters (such as {@code key}) are not this query's
 * business and are ignored.
 */
public final class JobListParams {
  private static final String STATE_NAMES =
      Arrays.stream(JobState.values()).map(JobState::dbName).collect(Collectors.joining(", "));

  private JobListParams() {}

  /** @throws ApiException 400 naming the parameter at fault */
  public static JobQuery parse(Map<String, List<String>> params, Caller caller, int defaultLimit) {
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
    JobQuery.Order order = single(params, "order_by").map(JobListParams::order).orElse(JobQuery.Order.CREATE_TIME);
    Optional<Instant> from = single(params, "date_range_min").map(v -> date("date_range_min", v, false));
    Optional<Instant> before = single(params, "date_range_max").map(v -> date("date_range_max", v, true));
    return new JobQuery(owner, states, toolId, limit, offset, order, from, before);
  }

  /** Whether {@code user_details} asks for the owner on each job. */
  public static boolean userDetails(Map<String, List<String>> params) {
    return single(params, "user_details").map(v -> bool("user_details", v)).orElse(false);
  }

  /** A boolean as clients write it: {@code true}/{@code false} in any case (Python's {@code True}), 1/0. */
  public static boolean bool(String name, String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw invalid(name + ": expected true or false, got '" + value + "'");
    };
  }

  private static JobQuery.Order order(String value) {
    return switch (value.trim()) {
      case "create_time" -> JobQuery.Order.CREATE_TIME;
      case "update_time" -> JobQuery.Order.UPDATE_TIME;
      default -> throw invalid("order_by: expected create_time or update_time, got '" + value + "'");
    };
  }

  /** A day (UTC; as a maximum it includes the whole day) or an instant. */
  private static Instant date(String name, String value, boolean upper) {
    String v = value.trim();
    try {
      if (v.length() == 10) {
        java.time.LocalDate day = java.time.LocalDate.parse(v);
        return (upper ? day.plusDays(1) : day).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      }
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw invalid(name + ": expected a day (2026-12-01) or an instant (2026-12-01T10:00:00Z), got '" + value + "'");
    }
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
