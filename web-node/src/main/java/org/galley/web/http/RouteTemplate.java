package org.galley.web.http;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The route a request path belongs to, as a template ({@code /api/jobs/{id}}), for the HTTP
 * metrics' {@code route} label. Only the routes below are named; any other path (a typo, a scan)
 * is {@code other}, so that the label's values stay few whatever clients send.
 */
final class RouteTemplate {
  private record Rule(Pattern path, String template) {}

  private static final String SEGMENT = "[^/]+";
  private static final List<Rule> RULES = List.of(
      rule("/", "/"),
      rule("/dashboard/" + SEGMENT, "/dashboard/{file}"),
      rule("/api/version", "/api/version"),
      rule("/api/jobs", "/api/jobs"),
      rule("/api/jobs/" + SEGMENT, "/api/jobs/{id}"),
      rule("/api/jobs/" + SEGMENT + "/(stdout|stderr|metrics|destination_params)", "/api/jobs/{id}/$1"),
      rule("/api/tools", "/api/tools"),
      rule("/api/tools/" + SEGMENT, "/api/tools/{id}"),
      rule("/api/users", "/api/users"),
      rule("/api/job_lock", "/api/job_lock"),
      rule("/api/cluster", "/api/cluster"),
      rule("/api/activity", "/api/activity"),
      rule("/api/handlers", "/api/handlers"),
      rule("/api/handlers/" + SEGMENT + "/(drain|undrain)", "/api/handlers/{name}/$1"));

  private RouteTemplate() {}

  private static Rule rule(String regex, String template) {
    return new Rule(Pattern.compile(regex), template);
  }

  static String of(String path) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (Rule r : RULES) {
      var m = r.path().matcher(p);
      if (m.matches()) {
        return m.groupCount() == 0 ? r.template() : m.replaceFirst(r.template());
      }
    }
    return "other";
  }
}
