package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.galley.core.dispatch.JobEvents;
import org.galley.web.auth.Auth;
import org.galley.web.http.Json;
import org.galley.web.jobs.IdempotencyKey;

/** A real HTTP client for a running web node, and the database checks the API tests make. */
final class HttpApiFixture {
  private final HttpClient http;
  private final String base;
  private final DataSource dataSource;

  HttpApiFixture(String base, DataSource dataSource) {
    this(base, dataSource, HttpClient.newBuilder());
  }

  /** @param client a builder with what the test needs (a TLS context trusting its certificate) */
  HttpApiFixture(String base, DataSource dataSource, HttpClient.Builder client) {
    this.http = client.version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    this.base = base;
    this.dataSource = dataSource;
  }

  /** Any request with any headers (name, value, name, value, ...). */
  Reply sendWithHeaders(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  private Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = http.send(b.build(), BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One answer: status, body text and headers. */
  record Reply(int status, String body, java.net.http.HttpHeaders headers) {
    JsonNode json() {
      assertEquals("application/json", headers.firstValue("content-type").orElse(""), body);
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Asserts a JSON error of this status whose message contains {@code words}. */
    Reply isError(int expectedStatus, String words) {
      assertEquals(expectedStatus, status, body);
      JsonNode json = json();
      assertTrue(json.path("err_msg").asText().contains(words), "'" + words + "' in " + body);
      assertEquals(expectedStatus, json.path("err_code").asInt() / 1000, body);
      return this;
    }
  }

  Reply send(String method, String path, String key, BodyPublisher body) {
    return send(method, path, key, body, null);
  }

  /** @param idempotencyKey the Idempotency-Key header, or null for none */
  Reply send(String method, String path, String key, BodyPublisher body, String idempotencyKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body);
    if (key != null) {
      b.header(Auth.HEADER, key);
    }
    if (idempotencyKey != null) {
      b.header(IdempotencyKey.HEADER, idempotencyKey);
    }
    return send(b);
  }

  Reply get(String path, String key) {
    return send("GET", path, key, BodyPublishers.noBody());
  }

  Reply delete(String path, String key) {
    return send("DELETE", path, key, BodyPublishers.noBody());
  }

  Reply post(String path, String key, String body) {
    return send("POST", path, key, BodyPublishers.ofString(body));
  }

  Reply submit(String key, String toolId, ObjectNode inputs) {
    return post("/api/jobs", key, Json.object().put("tool_id", toolId).set("inputs", inputs).toString());
  }

  /** Creates a user with the admin key and returns the user's key. */
  String newUser(String adminKey, String name) {
    Reply r = post("/api/users", adminKey, "{\"name\": \"" + name + "\"}");
    assertEquals(201, r.status(), r.body());
    return r.json().get("key").asText();
  }

  long count(String table) {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a refused request and asserts it wrote no job and no user. */
  Reply writesNothing(Supplier<Reply> request) {
    long jobs = count("job");
    long history = count("job_history");
    long users = count("api_user");
    Reply r = request.get();
    assertEquals(jobs, count("job"), "job rows after " + r.body());
    assertEquals(history, count("job_history"), "history rows after " + r.body());
    assertEquals(users, count("api_user"), "user rows after " + r.body());
    return r;
  }

  /** Stands for the cluster: records the hints the web node gives it. */
  static final class RecordingEvents implements JobEvents {
    record Submitted(String pool, int count) {}

    record CancelRequested(long jobId, String handler) {}

    final List<Submitted> submitted = new CopyOnWriteArrayList<>();
    final List<CancelRequested> cancelRequested = new CopyOnWriteArrayList<>();
    final List<String> claimable = new CopyOnWriteArrayList<>();

    @Override
    public void claimable(String pool, org.galley.core.settings.AssignMethod method) {
      claimable.add(pool + " " + method.configName());
    }

    @Override
    public void submitted(String pool, int count) {
      submitted.add(new Submitted(pool, count));
    }

    @Override
    public void cancelRequested(long jobId, String handler) {
      cancelRequested.add(new CancelRequested(jobId, handler));
    }
  }
}
