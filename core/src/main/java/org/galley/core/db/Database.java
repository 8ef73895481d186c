package org.galley.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to PostgreSQL: a HikariCP pool on the configured URL, or on an embedded server
 * under {@code <var>/pg} when none is configured. Opening it migrates the schema with Flyway,
 * so every process that opens the database agrees on it; on a schema that already holds every
 * migration of this build as shipped ({@link AppliedMigrations}) Flyway is not started. The pool is a {@link ReconnectingPool}:
 * during an outage callers are refused at once, and a fresh pool serves as soon as the server
 * answers again.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final ReconnectingPool dataSource;
  private final EmbeddedDatabase embedded;
  private final String url;
  private final String user;
  private final String password;

  private Database(ReconnectingPool ds, EmbeddedDatabase embedded, String url, String user, String password) {
    this.dataSource = ds;
    this.embedded = embedded;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  public static Database open(DatabaseSettings settings, Path varDir) throws IOException {
    EmbeddedDatabase embedded = null;
    String url = settings.url();
    String user = settings.user();
    String password = settings.password();
    if (settings.embedded()) {
      embedded = EmbeddedDatabase.start(varDir.resolve("pg"), settings.embeddedPort());
      url = "jdbc:postgresql://127.0.0.1:" + embedded.port() + "/postgres";
      user = "postgres";
      password = "";
    }
    try {
      return connect(url, user, password, settings.poolSize(), settings.connectionTimeout(), settings.probeInterval(),
          embedded);
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** Connects to a running server and migrates it, with the default timeouts. */
  public static Database connect(String url, String user, String password, int poolSize, EmbeddedDatabase embedded) {
    return connect(url, user, password, poolSize, DatabaseSettings.DEFAULT_CONNECTION_TIMEOUT,
        DatabaseSettings.DEFAULT_PROBE_INTERVAL, embedded);
  }

  /**
   * Connects to a running server and migrates it.
   *
   * @param connectionTimeout how long a caller waits for a connection while all are busy (while the
   *     server does not answer, callers are refused within {@link ReconnectingPool#SLICE})
   * @param probeInterval how often an unreachable server is tried again
   */
  public static Database connect(String url, String user, String password, int poolSize, Duration connectionTimeout,
      Duration probeInterval, EmbeddedDatabase embedded) {
    ReconnectingPool pool = new ReconnectingPool(
        () -> newPool(url, user, password, poolSize), url, user, password, connectionTimeout, probeInterval);
    try {
      if (AppliedMigrations.current(pool)) {
        log.info("schema is current (every migration of this build applied as shipped): Flyway not needed");
      } else {
        Flyway.configure().dataSource(pool).locations("classpath:" + AppliedMigrations.LOCATION).load().migrate();
      }
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    log.info("database {} ready (pool of {})", url, poolSize);
    return new Database(pool, embedded, url, user, password);
  }

  private static HikariDataSource newPool(String url, String user, String password, int poolSize) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setUsername(user);
    hc.setPassword(password);
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(Math.min(2, poolSize));
    hc.setPoolName("galley");
    // ReconnectingPool asks in slices of this, so that a failed connect is noticed within one.
    hc.setConnectionTimeout(ReconnectingPool.SLICE.toMillis());
    // Hikari checks a connection idle for over 500 ms before handing it out; the check must not
    // outlast a slice by much.
    hc.setValidationTimeout(ReconnectingPool.SLICE.toMillis());
    // Prepared statements stay server-side after the first few executions of the same SQL.
    hc.addDataSourceProperty("prepareThreshold", "1");
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    // Seconds; an unreachable address must not hold a connecting thread for the driver's default 10 s.
    hc.addDataSourceProperty("connectTimeout", "1");
    return new HikariDataSource(hc);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  @Override
  public void close() throws IOException {
    dataSource.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
