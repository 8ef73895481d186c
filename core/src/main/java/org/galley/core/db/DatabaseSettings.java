package org.galley.core.db;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code galley.db}: a PostgreSQL URL, or none for an embedded PostgreSQL under the state
 * directory.
 */
public record DatabaseSettings(
    String url, String user, String password, int poolSize, int embeddedPort, Duration connectionTimeout,
    Duration probeInterval, Duration dnsCacheTtl) {
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(100);

  public DatabaseSettings {
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("galley.db.url: expected jdbc:postgresql://..., got '" + url + "'");
    }
    if (poolSize < 2) {
      throw new IllegalArgumentException("galley.db.pool-size: at least 2, got " + poolSize);
    }
    if (connectionTimeout.toMillis() < 250) {
      throw new IllegalArgumentException("galley.db.connection-timeout: at least 250ms, got " + connectionTimeout);
    }
    if (probeInterval.toMillis() < 10) {
      throw new IllegalArgumentException("galley.db.probe-interval: at least 10ms, got " + probeInterval);
    }
    if (dnsCacheTtl.isNegative()) {
      throw new IllegalArgumentException("galley.db.dns-cache-ttl: not negative, got " + dnsCacheTtl);
    }
    if (embeddedPort < 0 || embeddedPort > 65535) {
      throw new IllegalArgumentException("galley.db.embedded.port: 0 to 65535, got " + embeddedPort);
    }
  }

  public static DatabaseSettings fromConfig(Config config) {
    Config c = config.getConfig("galley.db");
    return new DatabaseSettings(
        c.getString("url"),
        c.getString("user"),
        c.getString("password"),
        c.getInt("pool-size"),
        c.getInt("embedded.port"),
        c.getDuration("connection-timeout"),
        c.getDuration("probe-interval"),
        c.getDuration("dns-cache-ttl"));
  }

  public boolean embedded() {
    return url.isEmpty();
  }

  /**
   * These settings with the embedded server's port fixed now (a free one when 0), so its URL is
   * known before the server runs: the actor system is configured with it while PostgreSQL starts.
   */
  public DatabaseSettings withEmbeddedPortChosen() throws java.io.IOException {
    if (!embedded() || embeddedPort > 0) {
      return this;
    }
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return new DatabaseSettings(url, user, password, poolSize, s.getLocalPort(), connectionTimeout, probeInterval,
          dnsCacheTtl);
    }
  }

  /** The JDBC URL nodes connect to: the configured one, or the embedded server's (its port must be chosen). */
  public String connectUrl() {
    if (embedded() && embeddedPort == 0) {
      throw new IllegalStateException("the embedded server's port is not chosen yet");
    }
    return embedded() ? "jdbc:postgresql://127.0.0.1:" + embeddedPort + "/postgres" : url;
  }

  public String connectUser() {
    return embedded() ? "postgres" : user;
  }

  public String connectPassword() {
    return embedded() ? "" : password;
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url=" + (embedded() ? "(embedded)" : url) + ", user=" + user
        + ", poolSize=" + poolSize + ", embeddedPort=" + embeddedPort + ", connectionTimeout=" + connectionTimeout
        + ", probeInterval=" + probeInterval + ", dnsCacheTtl=" + dnsCacheTtl + "]";
  }
}
