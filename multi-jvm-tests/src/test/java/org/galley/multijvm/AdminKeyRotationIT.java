package org.galley.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code galley admin-key rotate} and {@code finish} on a running set (two web nodes on one port,
 * a handler) while a client keeps calling an admin route: with the old key through {@code rotate},
 * with the new one through {@code finish}. No call fails; afterwards only the new key works.
 */
@Tag("slow")
class AdminKeyRotationIT {
  @Test
  void rotatingTheAdminKeyFailsNoRequestAndEndsWithOnlyTheNewKey() throws Exception {
    Path dir = Path.of("target", "clusters", "admin-key-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir);
    int db = GalleyCli.freePorts(1);
    int http = GalleyCli.freePorts(1);
    int webCluster = GalleyCli.freePorts(2);
    int webManagement = GalleyCli.freePorts(2);
    int handlerCluster = GalleyCli.freePorts(1);
    int handlerManagement = GalleyCli.freePorts(1);
    ClusterDatabase database = ClusterDatabase.forCli(db);
    Path config = dir.resolve("galley.conf");
    Files.writeString(config, """
        jvm-options = ["-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1"]
        properties { "galley.db.pool-size" = "4" }
        %s
        web { processes = 2, http-port = %d, cluster-port = %d, management-port = %d }
        handler-ports { cluster = %d, management = %d }
        handlers { handler { processes = 1 } }
        timeouts { ready = 120s, drain = 30s }
        """.formatted(database.cliConfig(db), http, webCluster, webManagement, handlerCluster, handlerManagement));
    GalleyCli galley = new GalleyCli(config, dir.resolve("cli"));
    String api = "http://127.0.0.1:" + http + "/api/jobs?limit=1";
    try {
      GalleyCli.Result started = galley.run(Duration.ofMinutes(4), "start");
      assertEquals(0, started.exit(), started.output());
      String oldKey = Files.readString(dir.resolve("var/admin.key")).trim();
      AtomicReference<String> clientKey = new AtomicReference<>(oldKey);
      Calls calls = new Calls(api, clientKey);
      calls.start();
      GalleyCli.Result rotated = galley.run(Duration.ofMinutes(4), "admin-key", "rotate");
      assertEquals(0, rotated.exit(), rotated.output());
      String newKey = Files.readString(dir.resolve("var/admin.key")).trim();
      assertNotEquals(oldKey, newKey);
      assertEquals(List.of(200, 200), List.of(statusOnNewConnections(api, oldKey), statusOnNewConnections(api, newKey)),
          "between rotate and finish every node accepts both keys");
      clientKey.set(newKey);
      GalleyCli.Result finished = galley.run(Duration.ofMinutes(4), "admin-key", "finish");
      assertEquals(0, finished.exit(), finished.output());
      calls.stop();
      System.out.printf("%nadmin key rotation: %d calls, %d failed%n%n", calls.sent.get(), calls.failures.size());
      assertTrue(calls.failures.isEmpty(), "failed calls: " + calls.failures);
      assertTrue(calls.sent.get() > 0);
      assertEquals(403, statusOnNewConnections(api, oldKey), "the old key is refused by every node");
      assertEquals(200, statusOnNewConnections(api, newKey));
      assertTrue(Files.notExists(dir.resolve("var/admin.key.previous")));
    } finally {
      galley.run(Duration.ofMinutes(3), "stop");
    }
  }

  /**
   * The status 20 requests on new connections agree on (SO_REUSEPORT spreads new connections over
   * both web nodes); fails if they differ.
   */
  private static int statusOnNewConnections(String url, String key) throws Exception {
    Integer agreed = null;
    for (int i = 0; i < 20; i++) {
      HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      int status = fresh.send(HttpRequest.newBuilder(URI.create(url)).header("x-api-key", key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (agreed != null && agreed != status) {
        throw new AssertionError("the nodes disagree: " + agreed + " and " + status);
      }
      agreed = status;
    }
    return agreed;
  }

  /** Calls the admin route about 20 times a second, retrying connection errors like SubmitLoad; any non-200 fails. */
  static final class Calls {
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final String url;
    final AtomicReference<String> key;
    final AtomicInteger sent = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    Thread thread;

    Calls(String url, AtomicReference<String> key) {
      this.url = url;
      this.key = key;
    }

    void start() {
      thread = new Thread(() -> {
        while (running.get()) {
          sent.incrementAndGet();
          try {
            call();
            TimeUnit.MILLISECONDS.sleep(50); // the caller's pace
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "admin-calls");
      thread.start();
    }

    private void call() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
              .header("x-api-key", key.get()).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            failures.add(r.statusCode() + " " + r.body());
          }
          return;
        } catch (java.io.IOException e) {
          // A connection reset by a node that is stopping: retried, as SubmitLoad does.
          TimeUnit.MILLISECONDS.sleep(50);
        }
      }
      failures.add("no answer within 30 s");
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(40));
    }
  }
}
