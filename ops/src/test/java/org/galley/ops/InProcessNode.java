package org.galley.ops;

import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * A real all-in-one Galley node (web and handler, one-member cluster, local runner, real HTTP and
 * management) started in this JVM on a fresh database of the shared test server. Ports are free
 * ones; the admin key is fixed per test.
 */
final class InProcessNode implements AutoCloseable {
  static final String ADMIN_KEY = "metrics-test-admin-key-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final GalleyNode node;
  final String dbUrl;
  final int managementPort;

  private InProcessNode(GalleyNode node, String dbUrl, int managementPort) {
    this.node = node;
    this.dbUrl = dbUrl;
    this.managementPort = managementPort;
  }

  /** {@code extra}: HOCON layered above the test's settings. */
  static InProcessNode start(String name, String dbUrl, String extra) throws Exception {
    Path varDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), name + "-");
    int management = freePort();
    Config config = ConfigFactory.parseString(extra).withFallback(ConfigFactory.parseString("""
            galley.roles = "web,handler"
            galley.server-name = "%s"
            galley.var-dir = "%s"
            galley.admin-key = "%s"
            galley.db.url = "%s"
            galley.db.user = postgres
            galley.db.password = ""
            galley.db.pool-size = 4
            galley.http.port = 0
            galley.cluster.host = "127.0.0.1"
            galley.cluster.port = 0
            galley.management.port = %d
            pekko.actor.serialize-messages = on
            """.formatted(name, varDir, ADMIN_KEY, dbUrl, management)))
        .withFallback(ConfigFactory.load()).resolve();
    InProcessNode started = new InProcessNode(GalleyNode.start(config), dbUrl, management);
    // Used once ready, as the multi-JVM tests do: the web part answers before the handler part
    // has registered (TopIT saw no handler), and /ready waits for that and for the member to be Up.
    try {
      await("node " + name + " ready", Duration.ofSeconds(60), () -> {
        try {
          return get(started.management() + "/ready").statusCode() == 200;
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
    } catch (AssertionError | InterruptedException e) {
      started.close();
      throw e;
    }
    return started;
  }

  /** The HTTP API's base URL; only on a node with the web role. */
  String api() {
    return "http://127.0.0.1:" + node.http().localAddress().getPort();
  }

  String management() {
    return "http://127.0.0.1:" + managementPort;
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("x-api-key", ADMIN_KEY).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(String method, String url, String json) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("x-api-key", ADMIN_KEY)
        .header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits for {@code condition} until {@code deadline}, polling; fails naming {@code what}. */
  static void await(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
    Instant end = Instant.now().plus(deadline);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        fail("not within " + deadline + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    node.stop(Duration.ofSeconds(60));
  }
}
