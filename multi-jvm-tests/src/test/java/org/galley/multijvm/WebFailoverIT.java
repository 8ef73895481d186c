package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One of two web nodes (the seed, and the oldest member) killed: the other keeps accepting and jobs keep flowing. */
@Tag("slow")
class WebFailoverIT {
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create("web-failover");
    cluster.startWeb("web0");
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
}
