package org.galley.ops.management;

import static org.galley.ops.management.ManagementAccess.Decision.ADMIN_REQUIRED;
import static org.galley.ops.management.ManagementAccess.Decision.ALLOW;
import static org.galley.ops.management.ManagementAccess.Decision.BAD_CREDENTIALS;
import static org.galley.ops.management.ManagementAccess.Decision.NO_CREDENTIALS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManagementAccessTest {
  final ManagementAccess access = new ManagementAccess(List.of("the-admin-key", "the-old-key"), "ops", "s3cret");

  static Optional<String> basic(String user, String password) {
    return Optional.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void probesStayOpen() {
    assertEquals(ALLOW, access.decide("GET", "/ready", Optional.empty(), Optional.empty()));
    assertEquals(ALLOW, access.decide("GET", "/alive", Optional.empty(), Optional.empty()));
    assertEquals(NO_CREDENTIALS, access.decide("POST", "/ready", Optional.empty(), Optional.empty()));
  }

  @Test
  void readingNeedsTheBasicUserOrTheAdminKey() {
    assertEquals(NO_CREDENTIALS, access.decide("GET", "/cluster/members", Optional.empty(), Optional.empty()));
    assertEquals(ALLOW, access.decide("GET", "/cluster/members", basic("ops", "s3cret"), Optional.empty()));
    assertEquals(ALLOW, access.decide("GET", "/cluster/members", Optional.empty(), Optional.of("the-admin-key")));
    assertEquals(ALLOW, access.decide("GET", "/cluster/members", basic("admin", "the-admin-key"), Optional.empty()));
    assertEquals(ALLOW, access.decide("GET", "/cluster/members", Optional.empty(), Optional.of("the-old-key")),
        "the previous key during a rotation");
    assertEquals(BAD_CREDENTIALS, access.decide("GET", "/cluster/members", basic("ops", "wrong"), Optional.empty()));
    assertEquals(BAD_CREDENTIALS, access.decide("GET", "/cluster/members", basic("admin", "s3cret"), Optional.empty()));
    assertEquals(BAD_CREDENTIALS, access.decide("GET", "/cluster/members", Optional.of("Bearer x"), Optional.empty()));
    assertEquals(BAD_CREDENTIALS, access.decide("GET", "/cluster/members", Optional.of("Basic !!!"), Optional.empty()));
  }

  @Test
  void leaveAndDownNeedTheAdmin() {
    for (String method : List.of("PUT", "DELETE", "POST")) {
      assertEquals(ADMIN_REQUIRED, access.decide(method, "/cluster/members/x", basic("ops", "s3cret"), Optional.empty()));
      assertEquals(ALLOW, access.decide(method, "/cluster/members/x", Optional.empty(), Optional.of("the-admin-key")));
      assertEquals(BAD_CREDENTIALS, access.decide(method, "/cluster/members/x", Optional.empty(), Optional.of("nope")));
    }
  }

  @Test
  void withoutABasicUserOnlyTheAdminKeyGetsIn() {
    ManagementAccess adminOnly = new ManagementAccess(List.of("k"), "", "");
    assertEquals(BAD_CREDENTIALS, adminOnly.decide("GET", "/cluster/members", basic("", ""), Optional.empty()));
    assertEquals(ALLOW, adminOnly.decide("GET", "/cluster/members", basic("admin", "k"), Optional.empty()));
  }

  @Test
  void refusedConfigurationsNameTheSetting() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ManagementAccess(List.of("k"), "ops", ""));
    assertEquals(true, e.getMessage().contains("galley.management.password"));
    assertThrows(IllegalArgumentException.class, () -> new ManagementAccess(List.of("k"), "admin", "x"));
  }
}
