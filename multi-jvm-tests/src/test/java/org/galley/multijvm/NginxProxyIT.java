package org.galley.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shipped nginx sample in front of two web nodes, as an operator runs it: Debian's nginx with
 * TLS, two web nodes on their own ports (no SO_REUSEPORT) and two handlers started by {@code galley
 * start}. Submissions with an Idempotency-Key and reads go through nginx over HTTPS while {@code
 * galley graceful} restarts every node; nginx alone must hide the restarts: the client retries
 * nothing and sees no error, and every submission is one job that ends ok. The web nodes trust
 * nginx as a proxy, so their access logs show the client's forwarded address.
 */
@Tag("slow")
class NginxProxyIT {
  static final int RATE = 20;
  /** The database of the running test, for the checks below. */
  static ClusterDatabase testDatabase;
  static final String ADMIN_KEY = "nginx-admin-key-0123456789";

  @Test
  void gracefulBehindNginxFailsNoRequestAndLosesNoJob() throws Exception {
    Path dir = Path.of("target", "clusters", "nginx-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir.resolve("tools"));
    Files.writeString(dir.resolve("tools/nap.conf"),
        "tools = [ { id = nap, version = \"1\", argv = [\"sleep\", \"0.2\"] } ]\n");
    int db = GalleyCli.freePorts(1);
    int http = GalleyCli.freePorts(2);
    int webCluster = GalleyCli.freePorts(2);
    int webManagement = GalleyCli.freePorts(2);
    int handlerCluster = GalleyCli.freePorts(2);
    int handlerManagement = GalleyCli.freePorts(2);
    int proxyPort = GalleyCli.freePorts(1);
    ClusterDatabase database = ClusterDatabase.forCli(db);
    Path config = dir.resolve("galley.conf");
    Files.writeString(config, """
        admin-key = "%s"
        jvm-options = ["-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1"]
        properties { "galley.tools.dir" = "%s", "galley.db.pool-size" = "4", "galley.http.trusted-proxies" = "127.0.0.1" }
        %s
        web { processes = 2, reuse-port = false, http-port = %d, cluster-port = %d, management-port = %d }
        handler-ports { cluster = %d, management = %d }
        handlers { handler { processes = 2, workers = 8 } }
        timeouts { ready = 120s, drain = 30s }
        """.formatted(ADMIN_KEY, dir.resolve("tools"), database.cliConfig(db), http, webCluster, webManagement, handlerCluster,
        handlerManagement));
    Path tls = dir.resolve("tls");
    selfSigned(tls);
    GalleyCli galley = new GalleyCli(config, dir.resolve("cli"));
    testDatabase = database;
    String url = database.url();
    try (Nginx nginx = Nginx.start(dir.resolve("nginx"), proxyPort, tls.resolve("cert.pem"), tls.resolve("key.pem"),
        List.of(http, http + 1))) {
      GalleyCli.Result started = galley.run(Duration.ofMinutes(4), "start");
      assertEquals(0, started.exit(), started.output());
      String proxy = "https://127.0.0.1:" + proxyPort;
      HttpClient client = trusting(tls.resolve("cert.pem")).connectTimeout(Duration.ofSeconds(2)).build();
      awaitOk(client, proxy + "/api/version", Duration.ofSeconds(30));

      // The client's address, forwarded by nginx, is what the web node logs.
      HttpResponse<String> tagged = client.send(HttpRequest.newBuilder(URI.create(proxy + "/api/jobs"))
          .header("x-api-key", ADMIN_KEY).header("X-Forwarded-For", "203.0.113.77")
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"tool_id\": \"nap\", \"inputs\": {}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, tagged.statusCode(), tagged.body());
      awaitLogLine(dir, "203.0.113.77 admin POST /api/jobs 201", Duration.ofSeconds(10));

      Reads reads = new Reads(client, proxy + "/api/jobs?limit=1");
      try (SubmitLoad load = new SubmitLoad(proxy, ADMIN_KEY, "{\"tool_id\": \"nap\", \"inputs\": {}}",
          trusting(tls.resolve("cert.pem")))) {
        load.start(RATE);
        reads.start();
        GalleyCli.Result graceful = galley.run(Duration.ofMinutes(4), "graceful");
        assertEquals(0, graceful.exit(), graceful.output());
        load.finish();
        reads.stop();
        long jobs = awaitAllEnded(url, Duration.ofSeconds(90)) - 1; // the tagged one
        long ok = count(url, "SELECT count(*) FROM job WHERE state = 'ok'") - 1;
        int sent = load.submissions() + load.retries.get() + reads.sent.get();
        int failed = load.failures.size() + load.retries.get() + reads.failures.size();
        long lost = load.submissions() - jobs;
        System.out.printf("%nnginx graceful: %d requests sent (%d submissions, %d reads), %d failed"
                + " (client retries %d, failed submissions %d, failed reads %d), %d jobs lost, %d jobs, %d ok;"
                + " galley graceful of 4 nodes took %.1f s%n%n",
            sent, load.submissions(), reads.sent.get(), failed, load.retries.get(), load.failures.size(),
            reads.failures.size(), lost, jobs, ok, graceful.took().toMillis() / 1000.0);
        assertTrue(load.failures.isEmpty(), "failed submissions: " + load.failures);
        assertEquals(0, load.retries.get(), "nginx retried for the client; the client saw no error to retry");
        assertTrue(reads.failures.isEmpty(), "failed reads: " + reads.failures);
        assertTrue(reads.sent.get() > 0, "reads ran");
        assertEquals(load.submissions(), load.jobOfKey.size(), "every submission got its job");
        assertEquals(0, lost, "as many jobs as submissions");
        assertEquals(jobs, ok, "every job ok");
      } finally {
        reads.stop();
        if (!nginx.errorLog().isEmpty()) {
          System.out.println("nginx error log (retries show as 'upstream' lines):\n" + nginx.errorLog());
        }
      }
    } finally {
      galley.run(Duration.ofMinutes(3), "stop");
    }
  }

  /** GETs in a loop from one thread while the load runs; any answer but 200 is a failure. */
  static final class Reads {
    final HttpClient client;
    final String url;
    final AtomicInteger sent = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    Thread thread;

    Reads(HttpClient client, String url) {
      this.client = client;
      this.url = url;
    }

    void start() {
      thread = new Thread(() -> {
        while (running.get()) {
          sent.incrementAndGet();
          try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("x-api-key", ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              failures.add(r.statusCode() + " " + r.body());
            }
            TimeUnit.MILLISECONDS.sleep(50); // pace of the reader, about 20 reads a second
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      }, "reads");
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      if (thread != null) {
        thread.join(TimeUnit.SECONDS.toMillis(40));
      }
    }
  }

  /** The README's one command for a self-signed certificate. */
  static void selfSigned(Path dir) throws Exception {
    Files.createDirectories(dir);
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl: " + out);
  }

  static HttpClient.Builder trusting(Path certPem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certPem)) {
      trust.setCertificateEntry("nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context);
  }

  private static void awaitOk(HttpClient client, String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      TimeUnit.MILLISECONDS.sleep(100); // poll interval of a deadline-bounded wait
    }
    throw new AssertionError(url + " did not answer 200 within " + timeout + ": " + last);
  }

  private static void awaitLogLine(Path dir, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String web : List.of("web_0", "web_1")) {
        Path log = dir.resolve("var/logs/" + web + ".log");
        if (Files.exists(log) && Files.readString(log).contains(text)) {
          return;
        }
      }
      TimeUnit.MILLISECONDS.sleep(100); // poll interval of a deadline-bounded wait
    }
    throw new AssertionError("no web node logged '" + text + "' within " + timeout);
  }

  private static long awaitAllEnded(String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long open = count(url, "SELECT count(*) FROM job WHERE state NOT IN ('ok', 'error', 'deleted')");
      if (open == 0) {
        return count(url, "SELECT count(*) FROM job");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(open + " jobs still not ended after " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
    }
  }

  private static long count(String url, String sql) throws Exception {
    try (Connection c = testDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
