package org.galley.core.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server started from the binaries on the class path, with its data, binaries and
 * socket under one directory of ours (never the shared system temp folder), listening on
 * 127.0.0.1 only. Data survives restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts (creating on first use) the server whose files live in {@code dir}; port 0 picks a free one. */
  public static EmbeddedDatabase start(Path dir, int port) throws IOException {
    return start(dir, port, "");
  }

  /**
   * As {@link #start(Path, int)}, listening also on {@code alsoListen} (comma-separated addresses,
   * empty for none): a test moves the server to another loopback address behind one host name.
   */
  public static EmbeddedDatabase start(Path dir, int port, String alsoListen) throws IOException {
    Path data = dir.resolve("data");
    Path work = dir.resolve("work");
    Files.createDirectories(work);
    stopOrphan(data);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(work.toFile())
            .setRegisterShutdownHook(false)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("listen_addresses", alsoListen.isBlank() ? "127.0.0.1" : "127.0.0.1," + alsoListen)
            // No Unix socket: Galley connects over TCP, and a socket path under a deep state
            // directory exceeds PostgreSQL's 107-byte limit, which stops the server from starting.
            .setServerConfig("unix_socket_directories", "")
            .setServerConfig("max_connections", "200")
            // Jobs are re-derivable from the table after a crash of the machine, not of the process:
            // keep fsync, but let commits return before the WAL flush for submission speed.
            .setServerConfig("synchronous_commit", "off");
    if (port > 0) {
      builder.setPort(port);
    }
    long t0 = System.nanoTime();
    EmbeddedPostgres pg = builder.start();
    log.info("embedded PostgreSQL on 127.0.0.1:{} with data in {} ({} ms)",
        pg.getPort(), data, (System.nanoTime() - t0) / 1_000_000);
    return new EmbeddedDatabase(pg);
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }

  /**
   * A process killed with -9 leaves its PostgreSQL running on our data directory; stop it so
   * this start can own the directory.
   */
  private static void stopOrphan(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    } catch (RuntimeException e) {
      return;
    }
    Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    log.warn("stopping PostgreSQL left running on {} (pid {})", data, pid);
    // SIGTERM is PostgreSQL's "smart" shutdown; SIGINT, sent by destroy() on no platform, is "fast".
    new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (orphan.get().isAlive() && System.nanoTime() < deadline) {
      try {
        orphan.get().onExit().get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // still stopping
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while stopping orphan PostgreSQL", e);
      } catch (java.util.concurrent.ExecutionException e) {
        break;
      }
    }
  }
}
