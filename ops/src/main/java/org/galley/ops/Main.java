package org.galley.ops;

import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.galley.core.cluster.FastStop;
import org.galley.core.db.DatabaseSettings;
import org.galley.core.db.DnsCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one Galley process. What it does is chosen by system properties ({@code -Dgalley.roles},
 * {@code -Dgalley.pools}, ...; see application.conf); without a database URL and seed nodes it
 * is a complete single-node Galley on an embedded PostgreSQL.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    GalleyNode node;
    try {
      com.typesafe.config.Config config = ConfigFactory.load();
      // Before anything resolves a name: the JVM reads its DNS cache policy once.
      DnsCache.limit(DatabaseSettings.fromConfig(config).dnsCacheTtl());
      node = GalleyNode.start(config);
    } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
      System.err.println("galley: " + e.getMessage());
      System.exit(2);
      return;
    }
    onCtrlC(node);
    printBanner(node);
    node.system().getWhenTerminated().toCompletableFuture().join();
    // Coordinated shutdown is done; library threads must not keep the JVM alive.
    System.exit(0);
  }

  /**
   * Ctrl-C stops at once: running jobs are killed and given back ({@link FastStop}). SIGTERM
   * (systemd, kill) is a graceful stop that lets running jobs finish first. A second Ctrl-C
   * quits without waiting; the next start cleans up after it.
   */
  @SuppressWarnings("restriction")
  private static void onCtrlC(GalleyNode node) {
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
      CoordinatedShutdown shutdown = CoordinatedShutdown.get(node.system());
      if (shutdown.getShutdownReason().isPresent()) {
        log.warn("second Ctrl-C: quitting without waiting");
        Runtime.getRuntime().halt(130);
      }
      log.info("Ctrl-C: stopping now (running jobs are killed and requeued; SIGTERM would let them finish)");
      shutdown.runAll(FastStop.INSTANCE);
    });
  }

  private static void printBanner(GalleyNode node) {
    var s = node.settings();
    StringBuilder b = new StringBuilder();
    b.append("\nGalley node '").append(s.serverName()).append("' is up, roles ").append(s.roles());
    if (s.isHandler()) {
      b.append(", pools ").append(s.pools());
    }
    b.append(", state in ").append(s.varDir()).append('\n');
    if (node.http() != null) {
      InetSocketAddress a = node.http().localAddress();
      String base = "http://" + a.getHostString() + ":" + a.getPort();
      String key = s.varDir().resolve("admin.key").toString();
      b.append("  API:       ").append(base).append("/api/version\n");
      b.append("  Admin key: ").append(key).append(" (unless set by GALLEY_ADMIN_KEY)\n");
      b.append("  Try:       curl -s -H \"x-api-key: $(cat ").append(key).append(")\" -H 'content-type: application/json' \\\n");
      b.append("               -d '{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"pear\\napple\\nfig\"}}' ")
          .append(base).append("/api/jobs\n");
    }
    b.append("  Stop with Ctrl-C.\n");
    log.info(b.toString());
  }
}
