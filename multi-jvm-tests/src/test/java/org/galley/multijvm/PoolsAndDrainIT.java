package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pools as in Galaxy, drains and the management endpoints, on real processes: one web node, a handler of {@code default}
 * and one attached only to {@code special}.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolsAndDrainIT {
  static TestCluster cluster;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create("pools");
    api = cluster.startWeb("web0");
    cluster.startHandler("h-default", "default", 4);
    cluster.startHandler("h-special", "special", 4);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void everyJobRunsOnAHandlerOfItsPool() throws Exception {
    List<Long> plain = new ArrayList<>();
    List<Long> special = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      plain.add(api.submit("stamp", "{\"tag\": \"plain-" + i + "\"}"));
      special.add(api.submit("stamp_special", "{\"tag\": \"special-" + i + "\"}"));
    }
    for (long id : plain) {
      JsonNode job = api.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(120));
      assertEquals("ok", job.get("state").asText(), job.toString());
      assertEquals("h-default", job.get("handler").asText(), "unmapped tools go to default only");
    }
    for (long id : special) {
      JsonNode job = api.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(120));
      assertEquals("ok", job.get("state").asText(), job.toString());
      assertEquals("h-special", job.get("handler").asText(), "special goes to special only");
    }
  }

  @Test
  @Order(2)
  void aJobOfAPoolWithoutLiveHandlerWaitsSayingSoAndStartsWhenOneJoins() throws Exception {
    long id = api.submit("stamp_late", "{\"tag\": \"late-0\"}");
    JsonNode waiting = api.awaitJob(id, j -> j.get("info").asText("").contains("no live handler"), Duration.ofSeconds(30));
    assertEquals("new", waiting.get("state").asText());
    cluster.startHandler("h-late", "late", 1);
    JsonNode done = api.awaitJob(id, inState("ok"), Duration.ofSeconds(60));
    assertEquals("h-late", done.get("handler").asText());
  }

  @Test
  @Order(3)
  void aDrainedHandlerFinishesItsJobsTakesNoNewOnesAndTheDrainSurvivesAWebRestart() throws Exception {
    long running = api.submit("stamp_special", "{\"tag\": \"drain-running\", \"ticks\": 40}");
    api.awaitJob(running, inState("running"), Duration.ofSeconds(30));
    assertEquals(200, api.post("/api/handlers/h-special/drain", "").status());

    long queued = api.submit("stamp_special", "{\"tag\": \"drain-waiting\"}");
    assertEquals("ok", api.awaitJob(running, inState("ok", "error"), Duration.ofSeconds(60)).get("state").asText(),
        "a drained handler finishes what it runs");
    JsonNode waiting = api.awaitJob(queued, j -> j.get("info").asText("").contains("drained"), Duration.ofSeconds(30));
    assertEquals("new", waiting.get("state").asText(), "no new job for a drained handler");

    cluster.node("web0").stop(Duration.ofSeconds(60));
    cluster.node("web0").restart();
    cluster.node("web0").awaitHttp(api.base() + "/api/version", Duration.ofSeconds(120));
    JsonNode handlers = awaitHandlersListed();
    assertTrue(handlers.get("drained").toString().contains("h-special"), "drain survives: " + handlers);
    assertEquals("new", api.job(queued).get("state").asText());

    assertEquals(200, api.post("/api/handlers/h-special/undrain", "").status());
    assertEquals("h-special", api.awaitJob(queued, inState("ok"), Duration.ofSeconds(60)).get("handler").asText());
  }

  @Test
  @Order(4)
  void managementListsTheMembersAndALeaveThroughItStopsAHandler() throws Exception {
    ApiClient management = new ApiClient(cluster.managementUrl("web0"), null);
    assertEquals(200, management.get("/alive").status());
    // web0 was restarted by the test before: its API answers before it is Up again.
    cluster.awaitReady("web0");
    ApiClient.Reply members = management.get("/cluster/members");
    assertEquals(200, members.status(), members.body());
    String lateNode = null;
    for (JsonNode m : members.json().get("members")) {
      if (m.get("roles").toString().contains("server:h-late")) {
        lateNode = m.get("node").asText();
      }
    }
    assertTrue(lateNode != null, "h-late is a member: " + members.body());
    assertEquals(4, members.json().get("members").size(), members.body());

    ApiClient.Reply leave = management.delete("/cluster/members/"
        + java.net.URLEncoder.encode(lateNode, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(200, leave.status(), leave.body());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (cluster.node("h-late").isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100); // poll interval of a deadline-bounded wait
    }
    assertTrue(!cluster.node("h-late").isAlive(), "a handler that left the cluster exits:\n" + cluster.node("h-late").logTail());
  }

  private JsonNode awaitHandlersListed() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    ApiClient.Reply r = null;
    while (System.nanoTime() < deadline) {
      r = api.get("/api/handlers");
      if (r.status() == 200 && r.json().get("handlers").size() >= 2) {
        return r.json();
      }
      Thread.sleep(100); // poll interval of a deadline-bounded wait
    }
    throw new AssertionError("handlers not listed: " + r);
  }
}
