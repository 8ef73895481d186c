package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.galley.web.http.Json;
import org.galley.web.HttpApiFixture.Reply;
import org.galley.web.edge.AccessLog;
import org.galley.web.edge.EdgeSettings;
import org.galley.web.edge.TlsSettings;
import org.galley.web.edge.TrustedProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per request with the client address (the forwarded one only from a
 * trusted proxy), user, method, path, status, bytes and milliseconds; never a key or a parameter.
 */
class AccessLogIT extends RunningWebNode {
  static final Pattern LINE = Pattern.compile(
      "\\d{4}-\\d\\d-\\d\\dT\\S+Z (\\S+) (\\S+) ([A-Z]+) (\\S+) (\\d{3}) (\\d+|-) \\d+\\.\\d");
  final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  HttpApiFixture untrusting;

  @Override
  EdgeSettings edge() {
    return new EdgeSettings(TlsSettings.NONE, TrustedProxies.of(List.of("127.0.0.0/8")), -1, 0, 0);
  }

  @BeforeAll
  void listen() throws Exception {
    ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).addAppender(lines);
    lines.start();
    ServerBinding b = startAnother(EdgeSettings.NONE);
    untrusting = new HttpApiFixture("http://127.0.0.1:" + b.localAddress().getPort(), db.dataSource());
  }

  @AfterAll
  void stopListening() {
    ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).detachAppender(lines);
  }

  @BeforeEach
  void clear() {
    lines.list.clear();
  }

  /** The only access line logged since the last clear. */
  private java.util.regex.Matcher onlyLine() {
    assertEquals(1, lines.list.size(), lines.list.toString());
    String message = lines.list.get(0).getFormattedMessage();
    var m = LINE.matcher(message);
    assertTrue(m.matches(), message);
    return m;
  }

  @Test
  void aLineNamesClientUserMethodPathStatusAndBytesButNoKeyOrParameter() {
    String key = api.newUser(ADMIN_KEY, "logged");
    lines.list.clear();
    Reply r = api.sendWithHeaders("GET", "/api/jobs?key=" + key + "&tool_id=secret-tool-value", null,
        "X-Forwarded-For", "203.0.113.9");
    assertEquals(200, r.status(), r.body());
    var m = onlyLine();
    assertEquals("203.0.113.9", m.group(1));
    assertEquals("logged", m.group(2));
    assertEquals("GET", m.group(3));
    assertEquals("/api/jobs", m.group(4));
    assertEquals("200", m.group(5));
    assertEquals(Integer.toString(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length), m.group(6));
    String message = lines.list.get(0).getFormattedMessage();
    assertFalse(message.contains(key), message);
    assertFalse(message.contains("secret-tool-value"), message);
  }

  @Test
  void aSubmissionIsLoggedWithTheJobRouteButNoInputValueOrKeyHeader() {
    String key = api.newUser(ADMIN_KEY, "submitter");
    lines.list.clear();
    Reply r = api.submit(key, "sort_lines", Json.object().put("text", "very-private-input"));
    assertEquals(201, r.status(), r.body());
    var m = onlyLine();
    assertEquals("submitter", m.group(2));
    assertEquals("POST /api/jobs 201", m.group(3) + " " + m.group(4) + " " + m.group(5));
    lines.list.clear();
    long id = r.json().get("id").asLong();
    api.get("/api/jobs/" + id, key);
    assertEquals("/api/jobs/" + id, onlyLine().group(4), "the route with its id");
    String all = lines.list.toString();
    assertFalse(all.contains("very-private-input") || all.contains(key), all);
  }

  @Test
  void refusedRequestsAreLoggedWithoutAUserAndWithTheirStatus() {
    api.get("/api/jobs", "wrong-key-value").isError(403, "not valid");
    var m = onlyLine();
    assertEquals("-", m.group(2));
    assertEquals("403", m.group(5));
    assertFalse(lines.list.toString().contains("wrong-key-value"));
  }

  @Test
  void theForwardedHeaderOfATrustedProxyIsHonouredAndTheLastUntrustedHopWins() {
    api.sendWithHeaders("GET", "/api/version", null, "Forwarded", "for=192.0.2.60;proto=https, for=\"127.0.0.5:4711\"");
    assertEquals("192.0.2.60", onlyLine().group(1), "127.0.0.5 is a trusted proxy, so the hop before it is the client");
    lines.list.clear();
    api.sendWithHeaders("GET", "/api/version", null, "X-Forwarded-For", "10.9.9.9, 198.51.100.1");
    assertEquals("198.51.100.1", onlyLine().group(1), "a client can prepend anything; the hop the proxy saw counts");
  }

  @Test
  void forwardedHeadersFromAnUntrustedPeerAreIgnored() {
    untrusting.sendWithHeaders("GET", "/api/version", null, "X-Forwarded-For", "203.0.113.50",
        "Forwarded", "for=203.0.113.51");
    assertEquals("127.0.0.1", onlyLine().group(1));
  }

  @Test
  void spacesInAPathCannotForgeFields() {
    api.sendWithHeaders("GET", "/api/jobs%20200%20admin", null);
    var m = onlyLine();
    assertEquals("/api/jobs%20200%20admin", m.group(4), "logged as sent, still encoded");
    assertEquals("404", m.group(5));
  }
}
