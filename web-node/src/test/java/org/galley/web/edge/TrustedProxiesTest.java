package org.galley.web.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeadersSay() throws Exception {
    assertEquals("10.0.0.1", TrustedProxies.NONE.clientAddress(ip("10.0.0.1"), List.of("for=1.2.3.4"), List.of("5.6.7.8")));
  }

  @Test
  void cidrBlocksMatchByPrefix() throws Exception {
    TrustedProxies p = TrustedProxies.of(List.of("10.1.0.0/16", "192.0.2.7", "fd00::/8"));
    assertTrue(p.trusts(ip("10.1.200.3").getAddress()));
    assertEquals(false, p.trusts(ip("10.2.0.1").getAddress()));
    assertTrue(p.trusts(ip("192.0.2.7").getAddress()));
    assertEquals(false, p.trusts(ip("192.0.2.8").getAddress()));
    assertTrue(p.trusts(ip("fd12::1").getAddress()));
    assertEquals("203.0.113.1", p.clientAddress(ip("10.1.0.9"), List.of(), List.of("203.0.113.1")));
  }

  @Test
  void theWalkStopsAtTheFirstUntrustedOrGarbledHop() throws Exception {
    TrustedProxies p = TrustedProxies.of(List.of("10.0.0.0/8"));
    assertEquals("198.51.100.2", p.clientAddress(ip("10.0.0.1"), List.of(), List.of("6.6.6.6, 198.51.100.2, 10.0.0.3")));
    assertEquals("10.0.0.1", p.clientAddress(ip("10.0.0.1"), List.of(), List.of("unknown")));
    assertEquals("2001:db8:0:0:0:0:0:1", p.clientAddress(ip("10.0.0.1"), List.of("for=\"[2001:db8::1]:4711\""), List.of()));
    assertEquals("192.0.2.43", p.clientAddress(ip("10.0.0.1"), List.of("for=192.0.2.43:80;proto=https"), List.of("9.9.9.9")),
        "Forwarded wins over X-Forwarded-For");
  }

  @Test
  void hostNamesAndBadPrefixesAreRefusedNamingTheSetting() {
    var e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("proxy.example.org")));
    assertTrue(e.getMessage().contains("galley.http.trusted-proxies"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0.0.0/33")));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0.0.0/x")));
  }
}
