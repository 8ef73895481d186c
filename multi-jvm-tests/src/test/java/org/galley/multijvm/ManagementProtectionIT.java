package org.galley.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Management bound beyond loopback (0.0.0.0) on a real all-in-one node: probes open, reading with
 * the basic user or the admin key, leave and down only with the admin key; bound on loopback it
 * stays open as before (the node's own second check).
 */
class ManagementProtectionIT {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static NodeProcess node;
  static String base;
  static String adminKey;

  @BeforeAll
  static void start() throws Exception {
    Path varDir = Path.of("target", "management-" + System.currentTimeMillis()).toAbsolutePath();
    int httpPort = NodeProcess.freePort();
    int managementPort = NodeProcess.freePort();
    Map<String, String> props = new java.util.HashMap<>(ClusterDatabase.forAllInOne());
    props.putAll(Map.of(
        "galley.var-dir", varDir.toString(),
        "galley.http.port", Integer.toString(httpPort),
        "galley.cluster.port", Integer.toString(NodeProcess.freePort()),
        "galley.management.host", "0.0.0.0",
        "galley.management.port", Integer.toString(managementPort),
        "galley.management.user", "ops",
        "galley.management.password", "ops-password",
        "galley.server-name", "mgmt",
        "galley.handler.shutdown-grace", "1s"));
    node = NodeProcess.start("management", varDir.resolveSibling(varDir.getFileName() + "-logs"), props);
    base = "http://127.0.0.1:" + managementPort;
    node.awaitHttp(base + "/ready", Duration.ofSeconds(120));
    adminKey = Files.readString(varDir.resolve("admin.key")).trim();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static int status(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.ofString(method.equals("PUT") ? "operation=Down" : ""));
    if (method.equals("PUT")) {
      b.header("content-type", "application/x-www-form-urlencoded");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void probesAnswerWithoutCredentials() throws Exception {
    assertEquals(200, status("GET", "/ready"));
    assertEquals(200, status("GET", "/alive"));
  }

  @Test
  void membersNeedCredentials() throws Exception {
    assertEquals(401, status("GET", "/cluster/members"));
    assertEquals(401, status("GET", "/cluster/members", "authorization", basic("ops", "wrong")));
    assertEquals(401, status("GET", "/cluster/members", "x-api-key", "not-the-key"));
    assertEquals(200, status("GET", "/cluster/members", "authorization", basic("ops", "ops-password")));
    assertEquals(200, status("GET", "/cluster/members", "x-api-key", adminKey));
    assertEquals(200, status("GET", "/cluster/members", "authorization", basic("admin", adminKey)));
  }

  @Test
  void downAndLeaveNeedTheAdminKey() throws Exception {
    // An address that is no member: the admin's request reaches the cluster route (404, nothing
    // downed), the others are stopped before it.
    String path = "/cluster/members/" + URLEncoder.encode("pekko://galley@10.255.255.1:1", StandardCharsets.UTF_8);
    assertEquals(401, status("PUT", path));
    assertEquals(403, status("PUT", path, "authorization", basic("ops", "ops-password")));
    assertEquals(403, status("DELETE", path, "authorization", basic("ops", "ops-password")));
    assertEquals(404, status("PUT", path, "x-api-key", adminKey));
    assertEquals(404, status("DELETE", path, "authorization", basic("admin", adminKey)));
    assertEquals(200, status("GET", "/ready"), "the node is still up");
  }
}
