package org.galley.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by the very commands the README
 * documents (openssl for PEM, keytool for PKCS#12), and a client context that trusts it.
 */
final class TestCertificate {
  static final String KEYSTORE_PASSWORD = "test-keystore-password";

  private TestCertificate() {}

  /** {@code openssl req -x509 ...}: {@code cert.pem} and {@code key.pem} in {@code dir}. */
  static void pem(Path dir, String commonName) throws IOException, InterruptedException {
    run(dir, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=" + commonName,
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
  }

  /** {@code keytool -genkeypair ...}: {@code keystore.p12} in {@code dir}. */
  static void pkcs12(Path dir) throws IOException, InterruptedException {
    run(dir, List.of("keytool", "-genkeypair", "-keystore", "keystore.p12", "-storetype", "PKCS12",
        "-storepass", KEYSTORE_PASSWORD, "-alias", "galley", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1"));
    run(dir, List.of("keytool", "-exportcert", "-rfc", "-keystore", "keystore.p12", "-storepass", KEYSTORE_PASSWORD,
        "-alias", "galley", "-file", "cert.pem"));
  }

  private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  /** A client TLS context that trusts exactly the certificate in {@code certPem}. */
  static SSLContext trusting(Path certPem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certPem)) {
      trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
