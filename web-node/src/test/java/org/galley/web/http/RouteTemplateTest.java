package org.galley.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The HTTP metrics' route label: a template for known routes, "other" for anything else. */
class RouteTemplateTest {
  @Test
  void knownRoutesBecomeTemplates() {
    assertEquals("/api/jobs", RouteTemplate.of("/api/jobs"));
    assertEquals("/api/jobs", RouteTemplate.of("/api/jobs/"));
    assertEquals("/api/jobs/{id}", RouteTemplate.of("/api/jobs/12345"));
    assertEquals("/api/jobs/{id}/stdout", RouteTemplate.of("/api/jobs/7/stdout"));
    assertEquals("/api/jobs/{id}/metrics", RouteTemplate.of("/api/jobs/7/metrics"));
    assertEquals("/api/tools/{id}", RouteTemplate.of("/api/tools/sort_lines"));
    assertEquals("/api/handlers/{name}/drain", RouteTemplate.of("/api/handlers/handler0/drain"));
    assertEquals("/api/job_lock", RouteTemplate.of("/api/job_lock"));
    assertEquals("/api/cluster", RouteTemplate.of("/api/cluster"));
    assertEquals("/api/activity", RouteTemplate.of("/api/activity"));
    assertEquals("/", RouteTemplate.of("/"));
    assertEquals("/dashboard/{file}", RouteTemplate.of("/dashboard/app.js"));
  }

  @Test
  void anythingElseIsOther() {
    assertEquals("other", RouteTemplate.of("/index.php"));
    assertEquals("other", RouteTemplate.of("/api/jobs/7/secret-key-in-path"));
    assertEquals("other", RouteTemplate.of("/wp-login.php"));
    assertEquals("other", RouteTemplate.of("/api/handlers/h0/drain/extra"));
  }
}
