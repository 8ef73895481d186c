package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLHandshakeException;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.galley.web.HttpApiFixture.Reply;
import org.galley.web.edge.EdgeSettings;
import org.galley.web.edge.TlsContext;
import org.galley.web.edge.TlsSettings;
import org.galley.web.edge.TrustedProxies;
import org.junit.jupiter.api.Test;

/**
 * HTTPS straight from the web node: a PEM certificate and key, or a PKCS#12 keystore, made by the
 * documented commands; plain HTTP only on loopback beside it; the files read again at each start,
 * which is how {@code galley graceful} (a restart of each node) puts a renewed certificate in service.
 */
class TlsIT extends RunningWebNode {
  /** New for every run: keytool refuses to add to a keystore left by an earlier one. */
  static final Path DIR = newDir();
  static final int LOOPBACK_PORT = freePort();
  static final TlsSettings PEM = makePem();

  private static Path newDir() {
    try {
      Files.createDirectories(Path.of("target"));
      return Files.createTempDirectory(Path.of("target"), "tls-it-").toAbsolutePath();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TlsSettings makePem() {
    try {
      TestCertificate.pem(DIR.resolve("pem"), "first");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new TlsSettings(DIR.resolve("pem/cert.pem"), DIR.resolve("pem/key.pem"), null, "");
  }

  @Override
  EdgeSettings edge() {
    return new EdgeSettings(PEM, TrustedProxies.NONE, LOOPBACK_PORT, 0, 0);
  }

  @Override
  HttpClient.Builder client() {
    try {
      return HttpClient.newBuilder().sslContext(TestCertificate.trusting(PEM.certificate()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theApiAnswersOverHttpsFromAPemCertificateAndKey() {
    assertEquals(200, api.get("/api/version", null).status());
    String key = api.newUser(ADMIN_KEY, "tls-user");
    assertEquals(200, api.get("/api/jobs", key).status());
  }

  @Test
  void plainHttpIsServedOnlyOnTheLoopbackPort() {
    HttpApiFixture plainOnTlsPort = new HttpApiFixture("http://127.0.0.1:" + binding.localAddress().getPort(),
        db.dataSource());
    assertThrows(UncheckedIOException.class, () -> plainOnTlsPort.get("/api/version", null));
    HttpApiFixture loopback = new HttpApiFixture("http://127.0.0.1:" + LOOPBACK_PORT, db.dataSource());
    assertEquals(200, loopback.get("/api/version", null).status());
    assertEquals(200, loopback.get("/api/jobs", ADMIN_KEY).status());
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() {
    HttpApiFixture untrusting = new HttpApiFixture("https://127.0.0.1:" + binding.localAddress().getPort(),
        db.dataSource());
    var e = assertThrows(UncheckedIOException.class, () -> untrusting.get("/api/version", null));
    assertTrue(e.getCause() instanceof SSLHandshakeException, e.toString());
  }

  @Test
  void aPkcs12KeystoreServesToo() throws Exception {
    Path dir = DIR.resolve("p12");
    TestCertificate.pkcs12(dir);
    TlsSettings p12 = new TlsSettings(null, null, dir.resolve("keystore.p12"), TestCertificate.KEYSTORE_PASSWORD);
    ServerBinding b = startAnother(new EdgeSettings(p12, TrustedProxies.NONE, -1, 0, 0));
    HttpApiFixture client = new HttpApiFixture("https://127.0.0.1:" + b.localAddress().getPort(), db.dataSource(),
        HttpClient.newBuilder().sslContext(TestCertificate.trusting(dir.resolve("cert.pem"))));
    assertEquals(200, client.get("/api/version", null).status());
  }

  @Test
  void aRenewedCertificateIsServedByTheNextStart() throws Exception {
    Path renewed = DIR.resolve("renewed");
    TestCertificate.pem(renewed, "second");
    Path live = DIR.resolve("live");
    Files.createDirectories(live);
    Files.copy(PEM.certificate(), live.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(PEM.privateKey(), live.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
    TlsSettings liveFiles = new TlsSettings(live.resolve("cert.pem"), live.resolve("key.pem"), null, "");
    ServerBinding before = startAnother(new EdgeSettings(liveFiles, TrustedProxies.NONE, -1, 0, 0));
    assertEquals("CN=first", servedSubject(before));
    // The operator replaces the files; the running node keeps its certificate, the restarted one takes the new.
    Files.copy(renewed.resolve("cert.pem"), live.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(renewed.resolve("key.pem"), live.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
    ServerBinding after = startAnother(new EdgeSettings(liveFiles, TrustedProxies.NONE, -1, 0, 0));
    assertEquals("CN=second", servedSubject(after));
    assertEquals("CN=first", servedSubject(before));
  }

  private static String servedSubject(ServerBinding b) throws Exception {
    var context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      // Only reads what the server presents; trust is tested above.
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    try (var socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
        .createSocket("127.0.0.1", b.localAddress().getPort())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
  }

  @Test
  void badFilesAreRefusedNamingTheSettingAndTheFile() throws Exception {
    Path bad = DIR.resolve("bad");
    Files.createDirectories(bad);
    Files.writeString(bad.resolve("empty.pem"), "not a certificate\n");
    var e = assertThrows(IllegalArgumentException.class, () -> TlsContext.create(
        new TlsSettings(bad.resolve("empty.pem"), PEM.privateKey(), null, "")));
    assertTrue(e.getMessage().contains("galley.http.tls.certificate") && e.getMessage().contains("empty.pem"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TlsContext.create(
        new TlsSettings(PEM.certificate(), bad.resolve("empty.pem"), null, "")));
    assertTrue(e.getMessage().contains("galley.http.tls.private-key") && e.getMessage().contains("PKCS#8"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TlsContext.create(
        new TlsSettings(null, null, bad.resolve("missing.p12"), "x")));
    assertTrue(e.getMessage().contains("galley.http.tls.keystore"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TlsSettings(PEM.certificate(), null, null, ""));
    assertThrows(IllegalArgumentException.class,
        () -> new EdgeSettings(TlsSettings.NONE, TrustedProxies.NONE, 0, 0, 0), "a loopback port needs TLS");
  }
}
