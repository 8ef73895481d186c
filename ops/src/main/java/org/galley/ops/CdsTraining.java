package org.galley.ops;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The training start behind the distribution's class-data-sharing archive ({@code dist/galley.jsa}):
 * run by the build under {@code -XX:ArchiveClassesAtExit}, it starts an all-in-one node on a
 * throw-away embedded PostgreSQL in {@code args[0]}, runs one no-op job through HTTP, stops it and
 * exits, so the JVM writes every class a start and a first job load into the archive. Nodes started
 * with {@code -XX:SharedArchiveFile} then map those classes instead of parsing and verifying them
 * from the jars: about half of a start's CPU.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    Path var = Path.of(args[0]).toAbsolutePath();
    Files.createDirectories(var);
    String key = "cds-training-key-0123456789abcdef";
    GalleyNode node = GalleyNode.start(ConfigFactory.load()
        .withValue("galley.var-dir", ConfigValueFactory.fromAnyRef(var.toString()))
        .withValue("galley.server-name", ConfigValueFactory.fromAnyRef("cds-training"))
        .withValue("galley.http.port", ConfigValueFactory.fromAnyRef(0))
        .withValue("galley.cluster.port", ConfigValueFactory.fromAnyRef(0))
        .withValue("galley.management.port", ConfigValueFactory.fromAnyRef(0))
        .withValue("galley.admin-key", ConfigValueFactory.fromAnyRef(key)));
    int status = 0;
    try {
      InetSocketAddress a = node.http().localAddress();
      String base = "http://127.0.0.1:" + a.getPort() + "/api";
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
              .header("x-api-key", key).header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"tool_id\": \"noop\", \"inputs\": {}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (submitted.statusCode() != 201) {
        throw new IllegalStateException("training job refused: " + submitted.statusCode() + " " + submitted.body());
      }
      String id = submitted.body().replaceAll("(?s).*?\"id\"\\s*:\\s*(\\d+).*", "$1");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String state = "";
      while (!state.contains("\"ok\"") && System.nanoTime() < deadline) {
        state = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + id)).header("x-api-key", key).build(),
            HttpResponse.BodyHandlers.ofString()).body().replaceAll("(?s).*(\"state\"\\s*:\\s*\"[a-z]+\").*", "$1");
        TimeUnit.MILLISECONDS.sleep(50); // poll interval of a deadline-bounded wait
      }
      if (!state.contains("\"ok\"")) {
        System.err.println("cds-training: the training job did not end ok within 60 s (" + state + "); archive made anyway");
      }
    } catch (Exception e) {
      System.err.println("cds-training: " + e);
      status = 1;
    } finally {
      node.stop(Duration.ofSeconds(60));
    }
    System.exit(status);
  }
}
