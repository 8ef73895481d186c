package org.galley.multijvm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.galley.testsupport.DebianPackages;

/**
 * Cuts one node off from the other cluster members with real packet filtering (nftables, Debian
 * package {@code nftables}, installed by {@link DebianPackages} when missing; needs root), while it
 * still reaches everything else, the database included. All nodes run on loopback, so the rules go
 * on the output hook: every packet to or from the node's own cluster port, and every packet the node
 * itself (its sockets belong to group {@code gid}, see {@link TestCluster#runInGroup}) sends to
 * another member's cluster port, is dropped. One table of its own per cut, deleted by {@link #close}.
 */
final class Partition implements AutoCloseable {
  private static final Path NFT = Path.of("/usr/sbin/nft");
  private final String table;

  private Partition(String table) {
    this.table = table;
  }

  /** Installs the rules; the cut is in place when this returns. */
  static Partition cut(int port, int gid, Collection<Integer> otherPorts) throws IOException, InterruptedException {
    DebianPackages.ensure("nftables", NFT);
    String table = "galley_cut_" + port;
    String others = otherPorts.stream().map(String::valueOf).collect(Collectors.joining(", "));
    nft("add", "table", "inet", table);
    nft("add", "chain", "inet", table, "out", "{ type filter hook output priority 0 ; policy accept ; }");
    nft("add", "rule", "inet", table, "out", "tcp", "dport", Integer.toString(port), "drop");
    nft("add", "rule", "inet", table, "out", "tcp", "sport", Integer.toString(port), "drop");
    nft("add", "rule", "inet", table, "out", "meta", "skgid", Integer.toString(gid), "tcp", "dport", "{ " + others + " }", "drop");
    return new Partition(table);
  }

  /** Heals the cut. */
  @Override
  public void close() throws IOException, InterruptedException {
    nft("delete", "table", "inet", table);
  }

  private static void nft(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(NFT.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
