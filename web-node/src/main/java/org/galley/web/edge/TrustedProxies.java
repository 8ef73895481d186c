package org.galley.web.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The proxies whose {@code X-Forwarded-For} and {@code Forwarded} headers are believed
 * ({@code galley.http.trusted-proxies}): addresses or CIDR blocks. Anyone can send those headers, so
 * a header is read only when the connection comes from a trusted proxy, and then from the right:
 * the nearest hop that is not itself a trusted proxy is the client. Without trusted proxies the
 * client is the connection's peer, whatever the headers say.
 */
public final class TrustedProxies {
  private record Block(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Block> blocks;
  private final List<String> configured;

  private TrustedProxies(List<String> configured) {
    this.configured = List.copyOf(configured);
    this.blocks = new ArrayList<>();
    for (String entry : configured) {
      blocks.add(parse(entry));
    }
  }

  /** Parses {@code 10.0.0.5}, {@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}; a host name is refused. */
  public static TrustedProxies of(List<String> entries) {
    return new TrustedProxies(entries);
  }

  private static Block parse(String entry) {
    String e = entry.trim();
    int slash = e.indexOf('/');
    String address = slash < 0 ? e : e.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException("galley.http.trusted-proxies: '" + entry
          + "' is not an IP address or CIDR block (host names are not resolved)");
    }
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(e.substring(slash + 1));
      } catch (NumberFormatException ex) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("galley.http.trusted-proxies: '" + entry + "' has a bad prefix length");
      }
    }
    return new Block(bytes, prefix);
  }

  /** The bytes of an IP literal, or null if {@code text} is not one (never a DNS lookup). */
  static byte[] literal(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = t.contains(":") && t.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(t).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  public boolean trusts(byte[] address) {
    for (Block b : blocks) {
      if (b.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address: the peer, unless the peer is trusted, in which case the forwarded chain
   * (the {@code Forwarded} header if present, else {@code X-Forwarded-For}) is walked from the
   * right past trusted proxies. An entry that is not an IP literal (a garbled or obfuscated one)
   * stops the walk: the last address known to be real is kept.
   */
  public String clientAddress(InetAddress peer, List<String> forwarded, List<String> xForwardedFor) {
    String client = peer.getHostAddress();
    if (!trusts(peer.getAddress())) {
      return client;
    }
    List<String> hops = forwarded.isEmpty() ? hopsOfXForwardedFor(xForwardedFor) : hopsOfForwarded(forwarded);
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = literal(hops.get(i));
      if (hop == null) {
        return client;
      }
      try {
        client = InetAddress.getByAddress(hop).getHostAddress();
      } catch (UnknownHostException e) {
        return client;
      }
      if (!trusts(hop)) {
        return client;
      }
    }
    return client;
  }

  private static List<String> hopsOfXForwardedFor(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          hops.add(part.trim());
        }
      }
    }
    return hops;
  }

  /** RFC 7239: {@code for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"}. */
  private static List<String> hopsOfForwarded(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      for (String element : value.split(",")) {
        for (String pair : element.split(";")) {
          String p = pair.trim();
          if (p.toLowerCase(Locale.ROOT).startsWith("for=")) {
            hops.add(stripPort(p.substring(4).replace("\"", "").trim()));
          }
        }
      }
    }
    return hops;
  }

  private static String stripPort(String node) {
    if (node.startsWith("[")) {
      int end = node.indexOf(']');
      return end < 0 ? node : node.substring(0, end + 1);
    }
    int colon = node.indexOf(':');
    // One colon is an IPv4 address with a port; more is a bare IPv6 address.
    return colon >= 0 && node.indexOf(':', colon + 1) < 0 ? node.substring(0, colon) : node;
  }

  @Override
  public String toString() {
    return configured.toString();
  }
}
