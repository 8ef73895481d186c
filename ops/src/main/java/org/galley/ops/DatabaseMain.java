package org.galley.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.galley.core.db.Database;
import org.galley.core.db.EmbeddedDatabase;

/**
 * {@code galley db}: the embedded PostgreSQL as a process of its own on a fixed loopback port,
 * with its data under the state directory, so several Galley nodes on one machine share it with
 * nothing installed. Migrates the schema once, prints the JDBC URL, and stops the server on
 * SIGTERM or Ctrl-C.
 */
public final class DatabaseMain {
  /** Port used when {@code galley.db.embedded.port} is 0. */
  public static final int DEFAULT_PORT = 15432;

  private DatabaseMain() {}

  public static void main(String[] args) throws Exception {
    Config config = ConfigFactory.load();
    Path varDir = Path.of(config.getString("galley.var-dir")).toAbsolutePath();
    int port = config.getInt("galley.db.embedded.port");
    EmbeddedDatabase pg = EmbeddedDatabase.start(varDir.resolve("pg"), port == 0 ? DEFAULT_PORT : port,
        config.getString("galley.db.embedded.also-listen"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.close();
      } catch (Exception e) {
        System.err.println("galley db: stopping PostgreSQL failed: " + e);
      }
      stopped.countDown();
    }, "galley-db-stop"));
    String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
    Database.connect(url, "postgres", "", 2, null).close();
    System.out.println("galley db: PostgreSQL ready, data in " + varDir.resolve("pg/data"));
    System.out.println("galley db: start nodes with -Dgalley.db.url=" + url);
    System.out.println(url);
    System.out.flush();
    stopped.await();
  }
}
