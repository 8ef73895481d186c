package org.galley.web.edge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server side of TLS from {@link TlsSettings}: a PEM chain and key or a PKCS#12 keystore into
 * an {@link SSLContext}. Every failure names the file and what is wrong with it, so a node with a
 * bad certificate refuses to start instead of serving something else.
 */
public final class TlsContext {
  private static final Pattern CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", Pattern.DOTALL);
  private static final Pattern PKCS8_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----(.+?)-----END PRIVATE KEY-----", Pattern.DOTALL);
  private static final char[] IN_MEMORY_PASSWORD = "galley".toCharArray();

  private TlsContext() {}

  public static SSLContext create(TlsSettings settings) {
    try {
      KeyStore store = settings.certificate() != null
          ? fromPem(settings.certificate(), settings.privateKey())
          : fromPkcs12(settings.keystore(), settings.keystorePassword());
      char[] password = settings.certificate() != null ? IN_MEMORY_PASSWORD : settings.keystorePassword().toCharArray();
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("galley.http.tls: " + e.getMessage(), e);
    }
  }

  private static KeyStore fromPem(Path certificateFile, Path keyFile) throws GeneralSecurityException {
    List<Certificate> chain = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Matcher m = CERTIFICATE.matcher(read(certificateFile));
    while (m.find()) {
      chain.add(factory.generateCertificate(new java.io.ByteArrayInputStream(base64(m.group(1), certificateFile))));
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("galley.http.tls.certificate: " + certificateFile
          + " holds no -----BEGIN CERTIFICATE----- block");
    }
    String keyText = read(keyFile);
    Matcher k = PKCS8_KEY.matcher(keyText);
    if (!k.find()) {
      throw new IllegalArgumentException("galley.http.tls.private-key: " + keyFile
          + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with"
          + " `openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW`");
    }
    PrivateKey key = privateKey(base64(k.group(1), keyFile), keyFile);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("an empty keystore cannot fail to load", e);
    }
    store.setKeyEntry("galley", key, IN_MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
    return store;
  }

  private static PrivateKey privateKey(byte[] der, Path keyFile) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // Not this algorithm: PKCS#8 names it inside, but Java wants it named beforehand.
      }
    }
    throw new IllegalArgumentException("galley.http.tls.private-key: " + keyFile
        + " is not an RSA, EC or Ed25519 key Java can read");
  }

  private static KeyStore fromPkcs12(Path file, String password) throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    } catch (IOException e) {
      throw new IllegalArgumentException("galley.http.tls.keystore: cannot read " + file
          + " (missing, not PKCS#12, or wrong keystore-password): " + e.getMessage(), e);
    }
    return store;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("galley.http.tls: cannot read " + file + ": " + e, e);
    }
  }

  private static byte[] base64(String body, Path file) {
    try {
      return Base64.getMimeDecoder().decode(body.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("galley.http.tls: " + file + " has a block that is not base64", e);
    }
  }
}
