package org.galley.core.db;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The job-store connection pool, made to fail fast and recover fast across a database outage.
 *
 * <p>HikariCP alone answers an outage badly for an API: every caller waits the whole connection
 * timeout, and its connection creator backs off up to 5 s between tries, so the first success
 * after the database is back can come seconds late. Here a caller asks HikariCP in slices of
 * {@link #SLICE}: a slice that ends without a connection because connecting failed marks the pool
 * down at once, one that ends because every connection was busy is followed by another until
 * {@code connection-timeout}. Once down, every caller is refused at once, and a probe thread connects directly every
 * {@code probe-interval}. When the probe gets through, a fresh HikariCP pool replaces the old one
 * (whose backoff no longer matters) and callers are served again. A new connection resolves the
 * host name again, so a database that comes back at another address behind the same name is
 * found (with the JVM's DNS cache kept short, {@link DnsCache}).
 */
public final class ReconnectingPool implements DataSource, AutoCloseable {
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(ReconnectingPool.class);

  private final Supplier<HikariDataSource> newPool;
  private final String url;
  private final Properties probeProperties;
  private final Duration probeInterval;
  private final Duration busyTimeout;
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile HikariDataSource pool;
  private volatile long downSinceNanos;
  private volatile String lastFailure = "";
  private volatile boolean closed;

  /** HikariCP's connection timeout: its minimum, so a failed connect is seen within it. */
  static final Duration SLICE = Duration.ofMillis(250);

  ReconnectingPool(Supplier<HikariDataSource> newPool, String url, String user, String password, Duration busyTimeout,
      Duration probeInterval) {
    this.newPool = newPool;
    this.busyTimeout = busyTimeout;
    this.url = url;
    this.probeInterval = probeInterval;
    this.probeProperties = new Properties();
    probeProperties.setProperty("user", user);
    probeProperties.setProperty("password", password);
    probeProperties.setProperty("connectTimeout", "1");
    probeProperties.setProperty("loginTimeout", "2");
    this.pool = newPool.get();
  }

  /** Whether the database was found unreachable and the probe has not got through since. */
  public boolean isDown() {
    return down.get();
  }

  /** The pool in use now (it is replaced after an outage). */
  public HikariDataSource current() {
    return pool;
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (down.get()) {
      throw refused();
    }
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    while (true) {
      try {
        return pool.getConnection();
      } catch (SQLTransientConnectionException e) {
        // With a cause, connecting failed; without one every connection was merely busy.
        if (e.getCause() != null && !closed) {
          markDown(e.getCause().toString());
          throw e;
        }
        if (down.get() || closed || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private SQLTransientConnectionException refused() {
    long seconds = (System.nanoTime() - downSinceNanos) / 1_000_000_000L;
    return new SQLTransientConnectionException("the database is unreachable (for " + seconds + " s: " + lastFailure
        + "); refusing at once until it answers again", "08001");
  }

  private void markDown(String why) {
    if (!down.compareAndSet(false, true)) {
      return;
    }
    downSinceNanos = System.nanoTime();
    lastFailure = why;
    log.warn("database unreachable ({}); refusing requests at once and probing every {} ms", why, probeInterval.toMillis());
    Thread probe = new Thread(this::probeUntilBack, "galley-db-probe");
    probe.setDaemon(true);
    probe.start();
  }

  private void probeUntilBack() {
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url, probeProperties)) {
        if (c.isValid(2)) {
          swapPool();
          return;
        }
      } catch (SQLException | RuntimeException e) {
        lastFailure = e.toString();
      }
      try {
        Thread.sleep(probeInterval.toMillis()); // the probe's own thread: nothing else waits on it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void swapPool() {
    HikariDataSource fresh;
    try {
      fresh = newPool.get();
    } catch (RuntimeException e) {
      lastFailure = e.toString();
      return; // the probe tries again
    }
    HikariDataSource old = pool;
    pool = fresh;
    down.set(false);
    log.info("database answers again after {} ms; a fresh connection pool serves requests",
        (System.nanoTime() - downSinceNanos) / 1_000_000);
    Thread closer = new Thread(old::close, "galley-db-old-pool");
    closer.setDaemon(true);
    closer.start();
    if (closed) {
      fresh.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    pool.close();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the pool connects as the configured user");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || pool.isWrapperFor(iface);
  }
}
