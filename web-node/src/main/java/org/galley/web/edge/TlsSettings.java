package org.galley.web.edge;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * {@code galley.http.tls}: where the web node's certificate and key are. Either a PEM certificate
 * chain and its PKCS#8 PEM private key, or a PKCS#12 keystore; none of them: plain HTTP. The files
 * are read at each start, so {@code galley graceful} (which restarts every web node in turn) puts
 * a renewed certificate into service without a failed request.
 *
 * @param certificate PEM certificate chain, the server's own first; null if not set
 * @param privateKey PEM private key (PKCS#8, unencrypted); null if not set
 * @param keystore PKCS#12 file; null if not set
 * @param keystorePassword the keystore's password (never logged)
 */
public record TlsSettings(Path certificate, Path privateKey, Path keystore, String keystorePassword) {
  public static final TlsSettings NONE = new TlsSettings(null, null, null, "");

  public TlsSettings {
    if ((certificate == null) != (privateKey == null)) {
      throw new IllegalArgumentException(
          "galley.http.tls: set both certificate and private-key (PEM), or neither");
    }
    if (certificate != null && keystore != null) {
      throw new IllegalArgumentException(
          "galley.http.tls: set either certificate and private-key (PEM) or keystore (PKCS#12), not both");
    }
    keystorePassword = keystorePassword == null ? "" : keystorePassword;
  }

  public static TlsSettings fromConfig(Config config) {
    Config t = config.getConfig("galley.http.tls");
    return new TlsSettings(path(t, "certificate"), path(t, "private-key"), path(t, "keystore"),
        t.getString("keystore-password"));
  }

  private static Path path(Config c, String key) {
    String value = c.getString(key);
    return value.isBlank() ? null : Path.of(value).toAbsolutePath();
  }

  public boolean enabled() {
    return certificate != null || keystore != null;
  }

  @Override
  public String toString() {
    if (!enabled()) {
      return "TlsSettings[off]";
    }
    return certificate != null
        ? "TlsSettings[certificate=" + certificate + ", private-key=" + privateKey + "]"
        : "TlsSettings[keystore=" + keystore + "]";
  }
}
