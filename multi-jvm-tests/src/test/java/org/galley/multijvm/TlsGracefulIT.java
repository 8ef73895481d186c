package org.galley.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * HTTPS straight from the web nodes of a {@code galley start}ed set (two web nodes sharing the
 * port, a handler; the CLI on the loopback HTTP port): the operator replaces the certificate files,
 * {@code galley graceful} restarts the nodes one at a time, and afterwards every node serves the
 * new certificate, while a client submitting over HTTPS throughout has no failed submission.
 */
@Tag("slow")
class TlsGracefulIT {
  static final String ADMIN_KEY = "tls-admin-key-0123456789";

  @Test
  void gracefulPutsARenewedCertificateInServiceWithNoFailedSubmission() throws Exception {
    Path dir = Path.of("target", "clusters", "tls-" + System.currentTimeMillis()).toAbsolutePath();
    Path first = dir.resolve("tls-first");
    Path second = dir.resolve("tls-second");
    Path live = dir.resolve("tls-live");
    selfSigned(first, "first");
    selfSigned(second, "second");
    Files.createDirectories(live);
    Files.copy(first.resolve("cert.pem"), live.resolve("cert.pem"));
    Files.copy(first.resolve("key.pem"), live.resolve("key.pem"));
    int db = GalleyCli.freePorts(1);
    int https = GalleyCli.freePorts(1);
    int loopback = GalleyCli.freePorts(1);
    int webCluster = GalleyCli.freePorts(2);
    int webManagement = GalleyCli.freePorts(2);
    int handlerCluster = GalleyCli.freePorts(1);
    int handlerManagement = GalleyCli.freePorts(1);
    ClusterDatabase database = ClusterDatabase.forCli(db);
    Path config = dir.resolve("galley.conf");
    Files.writeString(config, """
        admin-key = "%s"
        api-url = "http://127.0.0.1:%d"
        jvm-options = ["-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1"]
        properties {
          "galley.db.pool-size" = "4"
          "galley.http.tls.certificate" = "%s"
          "galley.http.tls.private-key" = "%s"
          "galley.http.loopback-port" = "%d"
        }
        %s
        web { processes = 2, http-port = %d, cluster-port = %d, management-port = %d }
        handler-ports { cluster = %d, management = %d }
        handlers { handler { processes = 1 } }
        timeouts { ready = 120s, drain = 30s }
        """.formatted(ADMIN_KEY, loopback, live.resolve("cert.pem"), live.resolve("key.pem"), loopback,
        database.cliConfig(db), https, webCluster, webManagement, handlerCluster, handlerManagement));
    GalleyCli galley = new GalleyCli(config, dir.resolve("cli"));
    try {
      GalleyCli.Result started = galley.run(Duration.ofMinutes(4), "start");
      assertEquals(0, started.exit(), started.output());
      assertEquals(Set.of("CN=first"), servedSubjects(https));
      try (SubmitLoad load = new SubmitLoad("https://127.0.0.1:" + https, ADMIN_KEY,
          "{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"b\\na\"}}",
          HttpClient.newBuilder().sslContext(trusting(first.resolve("cert.pem"), second.resolve("cert.pem"))))) {
        load.start(20);
        // The renewal: new files in place, the running nodes keep what they loaded.
        Files.copy(second.resolve("cert.pem"), live.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(second.resolve("key.pem"), live.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
        GalleyCli.Result graceful = galley.run(Duration.ofMinutes(4), "graceful");
        assertEquals(0, graceful.exit(), graceful.output());
        load.finish();
        System.out.printf("%nTLS renewal through galley graceful: %d submissions, %d retries, %d failed%n%n",
            load.submissions(), load.retries.get(), load.failures.size());
        assertTrue(load.failures.isEmpty(), "failed submissions: " + load.failures);
        assertEquals(load.submissions(), load.jobOfKey.size(), "every submission got its job");
      }
      assertEquals(Set.of("CN=second"), servedSubjects(https), "every node serves the renewed certificate");
    } finally {
      galley.run(Duration.ofMinutes(3), "stop");
    }
  }

  /** The subjects the port presents on 20 new connections (SO_REUSEPORT spreads them over the nodes). */
  private static Set<String> servedSubjects(int port) throws Exception {
    SSLContext readAll = SSLContext.getInstance("TLS");
    readAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      // Only reads what is presented; trust is the load's business.
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    Set<String> subjects = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      try (SSLSocket s = (SSLSocket) readAll.getSocketFactory().createSocket("127.0.0.1", port)) {
        s.startHandshake();
        subjects.add(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
      }
    }
    return subjects;
  }

  private static void selfSigned(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=" + name,
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl: " + out);
  }

  private static SSLContext trusting(Path... certs) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < certs.length; i++) {
      try (InputStream in = Files.newInputStream(certs[i])) {
        trust.setCertificateEntry("c" + i, CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
