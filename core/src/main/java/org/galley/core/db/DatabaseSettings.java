package org.galley.core.db;

import com.typesafe.config.Config;

/**
 * {@code galley.db}: a PostgreSQL URL, or none for an embedded PostgreSQL under the state
 * directory.
 */
public record DatabaseSettings(
    String url, String user, String password, int poolSize, int embeddedPort) {

  public DatabaseSettings {
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("galley.db.url: expected jdbc:postgresql://..., got '" + url + "'");
    }
    if (poolSize < 2) {
      throw new IllegalArgumentException("galley.db.pool-size: at least 2, got " + poolSize);
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
        c.getInt("embedded.port"));
  }

  public boolean embedded() {
    return url.isEmpty();
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url=" + (embedded() ? "(embedded)" : url) + ", user=" + user
        + ", poolSize=" + poolSize + ", embeddedPort=" + embeddedPort + "]";
  }
}
