package org.galley.web.edge;

import com.typesafe.config.Config;
import java.util.List;
import org.galley.core.settings.ConfigLists;

/**
 * What stands between the network and the API: TLS, the proxies whose forwarded headers are
 * believed, and the rate limits against abuse ({@code galley.http.tls}, {@code .trusted-proxies},
 * {@code .loopback-port}, {@code galley.limits.user-submit-rate}, {@code .auth-failures-per-minute}).
 *
 * @param loopbackPort with TLS on, a plain HTTP port on 127.0.0.1 beside HTTPS (for the CLI and
 *     local probes); -1 none, 0 a free one
 * @param userSubmitRate submissions (POST /api/jobs, a batch counts once) per second per user; 0 none
 * @param authFailuresPerMinute failed authentications per minute per client address before 429; 0 none
 */
public record EdgeSettings(TlsSettings tls, TrustedProxies trustedProxies, int loopbackPort, double userSubmitRate,
    int authFailuresPerMinute) {
  /** Plain HTTP, no proxies, no limits: what tests of other things run with. */
  public static final EdgeSettings NONE = new EdgeSettings(TlsSettings.NONE, TrustedProxies.NONE, -1, 0, 0);

  public EdgeSettings {
    if (loopbackPort < -1 || loopbackPort > 65535) {
      throw new IllegalArgumentException("galley.http.loopback-port: -1 (none) or 0 to 65535, got " + loopbackPort);
    }
    if (loopbackPort >= 0 && !tls.enabled()) {
      throw new IllegalArgumentException(
          "galley.http.loopback-port: only with galley.http.tls (without TLS the API port is plain HTTP already)");
    }
    if (userSubmitRate < 0 || Double.isNaN(userSubmitRate)) {
      throw new IllegalArgumentException("galley.limits.user-submit-rate: per second, >= 0 (0: none), got "
          + userSubmitRate);
    }
    if (authFailuresPerMinute < 0) {
      throw new IllegalArgumentException("galley.limits.auth-failures-per-minute: >= 0 (0: none), got "
          + authFailuresPerMinute);
    }
  }

  public static EdgeSettings fromConfig(Config config) {
    return new EdgeSettings(
        TlsSettings.fromConfig(config),
        TrustedProxies.of(List.copyOf(ConfigLists.names(config, "galley.http.trusted-proxies"))),
        config.getInt("galley.http.loopback-port"),
        config.getDouble("galley.limits.user-submit-rate"),
        config.getInt("galley.limits.auth-failures-per-minute"));
  }
}
