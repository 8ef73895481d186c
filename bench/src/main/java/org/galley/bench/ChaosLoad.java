package org.galley.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A careful client at a steady rate over both web nodes: each submission has its own
 * Idempotency-Key (also the job's tag), and a connection error, a timeout (a frozen node) or a
 * 502/503 is retried with the same key on the other web node until a deadline. Keeps the job id
 * each key got.
 */
final class ChaosLoad implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration GIVE_UP = Duration.ofSeconds(180);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String> webs;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService senders = Executors.newFixedThreadPool(64);
  private final List<Future<?>> sent = new CopyOnWriteArrayList<>();
  private final AtomicInteger seq = new AtomicInteger();
  final AtomicInteger retries = new AtomicInteger();
  final List<String> failures = new CopyOnWriteArrayList<>();
  /** Idempotency key → the job id its 201 named. */
  final Map<String, Long> jobOfKey = new ConcurrentHashMap<>();
  /** Keys answered with two different job ids: a duplicate the client saw. */
  final List<String> conflicting = new CopyOnWriteArrayList<>();

  ChaosLoad(List<String> webUrls) {
    this.webs = List.copyOf(webUrls);
  }

  void start(int perSecond) {
    ticker.scheduleAtFixedRate(() -> {
      int n = seq.incrementAndGet();
      String key = "c-" + n;
      sent.add(senders.submit(() -> submit(key, n)));
    }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
  }

  int submissions() {
    return seq.get();
  }

  /** Stops submitting and waits for every submission under way to succeed or give up. */
  void finish() throws Exception {
    ticker.shutdown();
    ticker.awaitTermination(10, TimeUnit.SECONDS);
    for (Future<?> f : sent) {
      f.get(GIVE_UP.toSeconds() + 30, TimeUnit.SECONDS);
    }
  }

  private void submit(String key, int n) {
    // One job in ten runs 6 s instead of half a second: long enough to be running when its handler
    // is frozen or killed.
    int ticks = n % 10 == 0 ? 40 : 3;
    String body = "{\"tool_id\": \"chaos_job\", \"inputs\": {\"tag\": \"" + key + "\", \"ticks\": " + ticks + "}}";
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    String last = "";
    for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
      String url = webs.get((n + attempt) % webs.size()) + "/api/jobs";
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(5))
            .header("x-api-key", ChaosCluster.ADMIN_KEY)
            .header("content-type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201) {
          long id = JSON.readTree(r.body()).get("id").asLong();
          Long before = jobOfKey.put(key, id);
          if (before != null && before != id) {
            conflicting.add(key + ": " + before + " then " + id);
          }
          return;
        }
        last = r.statusCode() + " " + r.body();
        if (r.statusCode() != 502 && r.statusCode() != 503) {
          failures.add(key + ": " + last);
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add(key + ": interrupted");
        return;
      }
      retries.incrementAndGet();
      try {
        TimeUnit.MILLISECONDS.sleep(100); // the client's pause before a retry
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add(key + ": interrupted");
        return;
      }
    }
    failures.add(key + ": gave up after " + GIVE_UP + ", last: " + last);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    senders.shutdownNow();
  }
}
