package org.galley.ops.cli.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.config.ProcessSpec;

/**
 * What the CLI asks of running nodes over HTTP: management's {@code /ready}, the API's
 * {@code /api/version}, and, with the admin key, {@code /api/handlers} (running jobs) and drain
 * and undrain. Short timeouts: a node that does not answer is simply not ready.
 */
public final class NodeApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ProcessSet set;

  public NodeApi(ProcessSet set) {
    this.set = set;
  }

  /** Whether management's /ready of the process answers 200. */
  public boolean ready(ProcessSpec p) {
    return p.managementUrl(set) != null && status(p.managementUrl(set) + "/ready") == 200;
  }

  /** Whether the public API answers /api/version. */
  boolean versionAnswers() {
    return status(set.publicUrl() + "/api/version") == 200;
  }

  /** Running jobs per live handler name; empty if no web node answers. */
  public Map<String, Integer> runningJobs() {
    Map<String, Integer> out = new HashMap<>();
    try {
      HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(set.publicUrl() + "/api/handlers"))
          .header("x-api-key", set.adminKey()).GET());
      if (r.statusCode() == 200) {
        for (JsonNode h : JSON.readTree(r.body()).path("handlers")) {
          out.put(h.path("name").asText(), h.path("running").asInt());
        }
      }
    } catch (IOException e) {
      // no web node answers: nothing known
    }
    return out;
  }

  /** Drains or undrains a handler; throws if no web node accepts it. */
  void drain(String handler, boolean drain) throws IOException {
    String url = set.publicUrl() + "/api/handlers/" + handler + (drain ? "/drain" : "/undrain");
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("x-api-key", set.adminKey())
        .POST(HttpRequest.BodyPublishers.noBody()));
    if (r.statusCode() != 200) {
      throw new IOException((drain ? "drain " : "undrain ") + handler + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private int status(String url) {
    try {
      return send(HttpRequest.newBuilder(URI.create(url)).GET()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws IOException {
    try {
      return http.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
