package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One of two web nodes (the seed, and the oldest member) killed: the other keeps accepting and jobs
 * keep flowing. Restarted, that node — the only seed it knows — joins the running cluster instead
 * of founding a second one beside it on the same database.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebFailoverIT {
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create("web-failover");
    // Its own address as its only seed: Pekko would have it join itself at once when restarted.
    cluster.startWeb("web0", "galley.cluster.seed-nodes", cluster.firstSeed());
    cluster.startWeb("web1");
    cluster.startHandler("h1", "default", 4);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void theOtherWebNodeKeepsAcceptingAndJobsKeepFlowing() throws Exception {
    ApiClient web1 = cluster.api("web1");
    List<Long> before = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      before.add(web1.submit("stamp", "{\"tag\": \"before-" + i + "\"}"));
    }
    cluster.node("web0").kill();
    long killedAt = System.nanoTime();
    List<Long> after = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      after.add(web1.submit("stamp", "{\"tag\": \"after-" + i + "\"}"));
    }
    for (long id : before) {
      assertEquals("ok", web1.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(90)).get("state").asText());
    }
    for (long id : after) {
      assertEquals("ok", web1.awaitJob(id, inState("ok", "error"), Duration.ofSeconds(90)).get("state").asText());
    }
    System.out.printf("web failover: 50 jobs submitted after kill -9 of web0 all ok %d ms after the kill%n",
        (System.nanoTime() - killedAt) / 1_000_000);
  }

  @Test
  @Order(2)
  void theRestartedFirstSeedJoinsTheRunningClusterInsteadOfFoundingASecond() throws Exception {
    NodeProcess web0 = cluster.node("web0");
    if (web0.isAlive()) {
      web0.kill();
    }
    web0.restart();
    cluster.awaitReady("web0");
    // One cluster: the restarted node sees the others Up, and they see it.
    assertEquals(Set.of("web0", "web1", "h1"), upMembers(cluster.api("web0")), web0.logTail());
    assertEquals(Set.of("web0", "web1", "h1"), upMembers(cluster.api("web1")));
    // And a job it accepts runs on the cluster's handler.
    long id = cluster.api("web0").submit("stamp", "{\"tag\": \"rejoined\"}");
    assertEquals("ok", cluster.api("web0").awaitJob(id, inState("ok", "error"), Duration.ofSeconds(90)).get("state").asText());
  }

  static Set<String> upMembers(ApiClient api) throws Exception {
    Set<String> up = new TreeSet<>();
    for (JsonNode m : api.get("/api/cluster").json().get("members")) {
      if (m.get("status").asText().equals("up")) {
        up.add(m.get("server_name").asText());
      }
    }
    return up;
  }
}
