package org.galley.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Galley's HTTP API as a test sees it: real requests, JSON answers. */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;
  private final String key;

  public ApiClient(String base, String key) {
    this.base = base;
    this.key = key;
  }

  public String base() {
    return base;
  }

  public record Reply(int status, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  public Reply get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Reply post(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  /** Submits a tool execution and returns the new job's id; fails unless the answer is 201. */
  public long submit(String toolId, String inputsJson) throws IOException, InterruptedException {
    Reply r = post("/api/jobs", "{\"tool_id\": \"" + toolId + "\", \"inputs\": " + inputsJson + "}");
    if (r.status() != 201) {
      throw new AssertionError("submit " + toolId + " answered " + r.status() + ": " + r.body());
    }
    return r.json().get("id").asLong();
  }

  public JsonNode job(long id) throws IOException, InterruptedException {
    Reply r = get("/api/jobs/" + id);
    if (r.status() != 200) {
      throw new AssertionError("GET job " + id + " answered " + r.status() + ": " + r.body());
    }
    return r.json();
  }

  /** Polls the job until {@code done} holds, or fails after {@code timeout} showing the last state. */
  public JsonNode awaitJob(long id, Predicate<JsonNode> done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = job(id);
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(20); // poll interval of a deadline-bounded wait
    }
    throw new AssertionError("job " + id + " did not get there within " + timeout + "; last: " + last);
  }

  public static Predicate<JsonNode> inState(String... states) {
    return j -> java.util.Arrays.asList(states).contains(j.get("state").asText());
  }

  private Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
    if (key != null) {
      b.header("x-api-key", key);
    }
    HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }
}
