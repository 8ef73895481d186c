package org.galley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * The Galley HTTP API as the bench uses it, over one {@link HttpClient} (HTTP/1.1, which keeps a
 * connection per concurrent request open and reuses it). Only ever talks to 127.0.0.1.
 */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final String base;
  private final String key;

  Api(int port, String key) {
    this.base = "http://127.0.0.1:" + port;
    this.key = key;
  }

  /** A submission's answer: the job id, and when the 201 arrived here. */
  record Submitted(long id, Instant at) {}

  /** POST /api/jobs with {@code body}; returns the ids of the job(s) and when the 201 arrived. */
  Submitted submit(String body) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(post("/api/jobs", body), HttpResponse.BodyHandlers.ofString());
    Instant at = Instant.now();
    if (r.statusCode() != 201) {
      throw new IOException("POST /api/jobs answered " + r.statusCode() + ": " + r.body());
    }
    JsonNode json = JSON.readTree(r.body());
    return new Submitted(json.isArray() ? json.get(0).get("id").asLong() : json.get("id").asLong(), at);
  }

  /** GET a path; returns the status, throwing on anything but 200. */
  void get(String path) throws IOException, InterruptedException {
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("x-api-key", key)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + r.statusCode());
    }
  }

  private HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("x-api-key", key)
        .header("content-type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** The body submitting one job of a tool without inputs. */
  static String job(String toolId) {
    return "{\"tool_id\": \"" + toolId + "\", \"inputs\": {}}";
  }
}
