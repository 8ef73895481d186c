package org.galley.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to PostgreSQL: a HikariCP pool on the configured URL, or on an embedded server
 * under {@code <var>/pg} when none is configured. Opening it migrates the schema with Flyway,
 * so every process that opens the database agrees on it.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;
  private final EmbeddedDatabase embedded;
  private final String url;
  private final String user;
  private final String password;

  private Database(HikariDataSource ds, EmbeddedDatabase embedded, String url, String user, String password) {
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
      return connect(url, user, password, settings.poolSize(), embedded);
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** Connects to a running server and migrates it. */
  public static Database connect(String url, String user, String password, int poolSize, EmbeddedDatabase embedded) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setUsername(user);
    hc.setPassword(password);
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(Math.min(2, poolSize));
    hc.setPoolName("galley");
    hc.setConnectionTimeout(10_000);
    // Prepared statements stay server-side after the first few executions of the same SQL.
    hc.addDataSourceProperty("prepareThreshold", "1");
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    HikariDataSource ds = new HikariDataSource(hc);
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    log.info("database {} ready (pool of {})", url, poolSize);
    return new Database(ds, embedded, url, user, password);
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
