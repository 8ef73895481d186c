package org.galley.web.edge;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on logger {@value #LOGGER}: time, client address, user, method, path, status,
 * bytes, milliseconds. The path is logged without its query string, because {@code ?key=} carries
 * API keys and other parameters carry values; the body is never looked at. The client address is
 * the connection's peer, or what a trusted proxy forwarded ({@link TrustedProxies}); rate limits
 * by address use the same one, so both see the real client behind a proxy.
 */
public final class AccessLog extends AllDirectives {
  public static final String LOGGER = "galley.access";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  /** Longest path logged: a client choosing the path must not fill the log. */
  private static final int MAX_PATH = 200;

  /** What the route learns about a request as it runs: who sent it. */
  public static final class Entry {
    private final String client;
    private volatile String user = "-";

    Entry(String client) {
      this.client = client;
    }

    /** The connection's peer, or the client a trusted proxy forwarded for. */
    public String client() {
      return client;
    }

    public void user(String name) {
      user = name;
    }

    public String user() {
      return user;
    }
  }

  public static final AttributeKey<Entry> ENTRY = AttributeKey.create("galley-access", Entry.class);

  private final TrustedProxies proxies;

  public AccessLog(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  /** Runs {@code inner} (a sealed route: every request ends in a response) and logs each response. */
  public Route route(Supplier<Route> inner) {
    return extractRequest(request -> {
      long start = System.nanoTime();
      Entry entry = new Entry(clientAddress(request));
      return mapRequest(r -> r.addAttribute(ENTRY, entry), () -> mapResponse(response -> {
        log(request, response, entry, start);
        return response;
      }, inner));
    });
  }

  String clientAddress(HttpRequest request) {
    InetAddress peer = request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress).orElse(null);
    if (peer == null) {
      return "-";
    }
    return proxies.clientAddress(peer, values(request, "forwarded"), values(request, "x-forwarded-for"));
  }

  private static List<String> values(HttpRequest request, String name) {
    List<String> out = new ArrayList<>();
    for (HttpHeader h : request.getHeaders()) {
      if (h.lowercaseName().equals(name)) {
        out.add(h.value());
      }
    }
    return out;
  }

  private static void log(HttpRequest request, HttpResponse response, Entry entry, long startNanos) {
    if (!log.isInfoEnabled()) {
      return;
    }
    double millis = (System.nanoTime() - startNanos) / 1e6;
    var length = response.entity().getContentLengthOption();
    log.info(line(Instant.now(), entry.client(), entry.user(), request.method().value(), request.getUri().path(),
        response.status().intValue(), length.isPresent() ? Long.toString(length.getAsLong()) : "-", millis));
  }

  static String line(Instant time, String client, String user, String method, String path, int status, String bytes,
      double millis) {
    return time + " " + client + " " + user + " " + method + " " + printable(path) + " " + status + " " + bytes
        + " " + tenths(millis);
  }

  /** {@code millis} with one decimal, as {@code %.1f} would write it, without the cost of a Formatter per request. */
  static String tenths(double millis) {
    long t = Math.round(Math.max(0, millis) * 10);
    return (t / 10) + "." + (t % 10);
  }

  /** Spaces and control characters would let a client forge fields or lines. */
  private static String printable(String path) {
    StringBuilder b = new StringBuilder(Math.min(path.length(), MAX_PATH));
    for (int i = 0; i < path.length() && i < MAX_PATH; i++) {
      char c = path.charAt(i);
      b.append(c > ' ' && c < 0x7f ? c : '?');
    }
    return path.length() > MAX_PATH ? b + "..." : b.toString();
  }
}
