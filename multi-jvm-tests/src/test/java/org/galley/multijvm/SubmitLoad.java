package org.galley.multijvm;

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
 * A client submitting jobs at a steady rate, as a careful real client would: every submission has
 * its own Idempotency-Key, and a connection error or a 502/503 is retried with the same key until
 * a deadline. Counts submissions, retries and failures, and keeps the job id each key got.
 */
final class SubmitLoad implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration GIVE_UP = Duration.ofSeconds(60);

  private final HttpClient http;
  private final String url;
  private final String apiKey;
  private final String body;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService senders = Executors.newFixedThreadPool(16);
  private final List<Future<?>> sent = new CopyOnWriteArrayList<>();
  private final AtomicInteger seq = new AtomicInteger();
  final AtomicInteger retries = new AtomicInteger();
  final AtomicInteger replayed = new AtomicInteger();
  final List<String> failures = new CopyOnWriteArrayList<>();
  /** Idempotency key → the job id its (last) 201 named. */
  final Map<String, Long> jobOfKey = new ConcurrentHashMap<>();
  /** Every HTTP try: when it was sent and answered (System.nanoTime) and its status (0: no answer). */
  record Try(long sentNanos, long answeredNanos, int status) {
    long millis() {
      return (answeredNanos - sentNanos) / 1_000_000;
    }
  }

  final java.util.Queue<Try> tries = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** Keys whose retries were answered with another job id than before: duplicates seen by the client. */
  final List<String> conflictingAnswers = new CopyOnWriteArrayList<>();

  SubmitLoad(String baseUrl, String apiKey, String body) {
    this(baseUrl, apiKey, body, HttpClient.newBuilder());
  }

  /** @param client a builder with what the address needs (a TLS context trusting its certificate) */
  SubmitLoad(String baseUrl, String apiKey, String body, HttpClient.Builder client) {
    this.http = client.connectTimeout(Duration.ofSeconds(2)).build();
    this.url = baseUrl + "/api/jobs";
    this.apiKey = apiKey;
    this.body = body;
  }

  void start(int perSecond) {
    ticker.scheduleAtFixedRate(() -> {
      String key = "load-" + seq.incrementAndGet() + "-" + System.nanoTime();
      sent.add(senders.submit(() -> submit(key)));
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

  private void submit(String key) {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      long sentAt = System.nanoTime();
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("x-api-key", apiKey)
            .header("content-type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        tries.add(new Try(sentAt, System.nanoTime(), r.statusCode()));
        if (r.statusCode() == 201) {
          long id = JSON.readTree(r.body()).get("id").asLong();
          Long before = jobOfKey.put(key, id);
          if (before != null && before != id) {
            conflictingAnswers.add(key + ": " + before + " then " + id);
          }
          if (r.headers().firstValue("Idempotent-Replayed").isPresent()) {
            replayed.incrementAndGet();
          }
          return;
        }
        last = r.statusCode() + " " + r.body();
        if (r.statusCode() != 502 && r.statusCode() != 503) {
          failures.add(key + ": " + last);
          return;
        }
      } catch (IOException e) {
        tries.add(new Try(sentAt, System.nanoTime(), 0));
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add(key + ": interrupted");
        return;
      }
      retries.incrementAndGet();
      try {
        TimeUnit.MILLISECONDS.sleep(50); // the client's pause before a retry
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
