package org.galley.web;

import com.typesafe.config.Config;
import java.time.Duration;
import org.galley.core.job.JobQuery;

/**
 * {@code galley.http}: where the HTTP API listens and how much it accepts and returns.
 *
 * @param host address to bind
 * @param port TCP port; 0 picks a free one
 * @param maxBody largest request body in bytes; more is a 413
 * @param listDefaultLimit page size of {@code GET /api/jobs} without {@code ?limit=}
 * @param maxOutput most bytes of a job's stdout or stderr served by one request
 * @param reusePort bind with SO_REUSEPORT, so several web processes share one public port
 * @param idempotencyKeep how long an Idempotency-Key of a submission is remembered
 */
public record WebSettings(String host, int port, long maxBody, int listDefaultLimit, long maxOutput,
    boolean reusePort, Duration idempotencyKeep) {

  public WebSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("galley.http.host: must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("galley.http.port: 0 to 65535, got " + port);
    }
    if (maxBody < 1) {
      throw new IllegalArgumentException("galley.http.max-body: at least 1 byte, got " + maxBody);
    }
    if (listDefaultLimit < 1 || listDefaultLimit > JobQuery.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "galley.http.list-default-limit: 1 to " + JobQuery.MAX_LIMIT + ", got " + listDefaultLimit);
    }
    // The output is held in memory while it is sent; an int-sized array is the hard ceiling.
    if (maxOutput < 0 || maxOutput > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("galley.http.max-output: 0 to 2g, got " + maxOutput);
    }
    if (idempotencyKeep == null || idempotencyKeep.compareTo(Duration.ofHours(24)) < 0) {
      throw new IllegalArgumentException("galley.http.idempotency-keep: at least 24h, got " + idempotencyKeep);
    }
  }

  /** Without port sharing, keys kept 24h. */
  public WebSettings(String host, int port, long maxBody, int listDefaultLimit, long maxOutput) {
    this(host, port, maxBody, listDefaultLimit, maxOutput, false, Duration.ofHours(24));
  }

  public static WebSettings fromConfig(Config config) {
    Config c = config.getConfig("galley.http");
    return new WebSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getBytes("max-body"),
        c.getInt("list-default-limit"),
        c.getBytes("max-output"),
        c.getBoolean("reuse-port"),
        c.getDuration("idempotency-keep"));
  }
}
