package org.galley.multijvm;

import static org.galley.multijvm.ApiClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.galley.handler.slurm.SlurmFixture;
import org.galley.handler.slurm.SlurmJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real node processes on a real single-node Slurm: a handler killed with -9 while 20 of its jobs are
 * in Slurm loses them to the other handlers of the pool, which adopt them under the next attempt and
 * watch them to {@code ok} — each submitted to Slurm exactly once, counted in Slurm itself.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmFailoverIT {
  private static TestCluster cluster;
  private static ApiClient api;
  private static SlurmFixture slurm;
  private static final String CLUSTER_NAME = "failover" + (System.currentTimeMillis() % 100_000);

  @BeforeAll
  static void start() throws Exception {
    slurm = SlurmFixture.shared();
    cluster = TestCluster.create("slurm-failover");
    cluster.addTools("slurm-tools.conf", """
        tools = [
          { id = s_sleep, version = "1", destination = slurm, resources { mem = 16m }, argv = ["sleep", "${seconds}"],
            parameters = [{ name = seconds, type = integer, min = 0, max = 600 }] }
        ]
        """);
    String[] props = {
        "galley.destinations.slurm.runner", "slurm",
        "galley.destinations.slurm.jobs-dir", cluster.directory().resolve("slurm-jobs").toString(),
        "galley.handler.slurm.slurm-conf", slurm.env().get("SLURM_CONF"),
        "galley.handler.cluster-name", CLUSTER_NAME};
    api = cluster.startWeb("web0", props);
    for (String h : List.of("h1", "h2", "h3")) {
      cluster.startHandler(h, "default", 4, props);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void slurmJobsOfAKilledHandlerAreAdoptedAndEndOkSubmittedOnceEach() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(api.submit("s_sleep", "{\"seconds\": 4}"));
    }
    for (long id : ids) {
      api.awaitJob(id, j -> j.hasNonNull("handler") && j.get("state").asText().matches("queued|running|ok"),
          Duration.ofSeconds(90));
    }
    Map<String, List<Long>> byHandler = new HashMap<>();
    for (long id : ids) {
      byHandler.computeIfAbsent(api.job(id).get("handler").asText(), h -> new ArrayList<>()).add(id);
    }
    String victim = byHandler.entrySet().stream().max(Map.Entry.comparingByValue((a, b) -> a.size() - b.size()))
        .orElseThrow().getKey();
    List<Long> victims = byHandler.get(victim).stream()
        .filter(id -> {
          try {
            return !api.job(id).get("state").asText().equals("ok");
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }).toList();
    long killedAt = System.nanoTime();
    cluster.node(victim).kill();
    long lastAdopted = killedAt;
    for (long id : victims) {
      api.awaitJob(id, j -> j.hasNonNull("handler") && !j.get("handler").asText().equals(victim)
          && j.get("attempt").asInt() >= 2, Duration.ofSeconds(120));
      lastAdopted = System.nanoTime();
    }
    System.out.printf("slurm failover: kill -9 of %s with %d of its %d jobs in Slurm -> all watched by other handlers in %d ms%n",
        victim, victims.size(), byHandler.get(victim).size(), (lastAdopted - killedAt) / 1_000_000);
    for (long id : ids) {
      JsonNode job = api.awaitJob(id, inState("ok", "error", "deleted"), Duration.ofSeconds(180));
      assertEquals("ok", job.get("state").asText(), job.toString());
      assertNotEquals(victim, job.get("handler").asText());
    }
    Map<Long, Integer> submissions = submissionsByJob();
    for (long id : ids) {
      assertEquals(1, submissions.getOrDefault(id, 0), "job " + id + " submitted to Slurm once: " + submissions);
    }
    final Map<Long, Integer> counted = submissions;
    System.out.printf("slurm failover: %d jobs ok, Slurm received %d submissions for them%n", ids.size(),
        ids.stream().mapToInt(id -> counted.getOrDefault(id, 0)).sum());
  }

  @Test
  @Order(2)
  void aHandlerKilledAndRestartedUnderItsNameTakesItsSlurmJobsBackWithoutSubmittingThemAgain() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(api.submit("s_sleep", "{\"seconds\": 8}"));
    }
    for (long id : ids) {
      api.awaitJob(id, j -> j.hasNonNull("handler") && j.get("state").asText().matches("queued|running"), Duration.ofSeconds(90));
    }
    String victim = api.job(ids.get(0)).get("handler").asText();
    cluster.node(victim).kill();
    cluster.node(victim).restart();
    cluster.awaitReady(victim);
    for (long id : ids) {
      JsonNode job = api.awaitJob(id, inState("ok", "error", "deleted"), Duration.ofSeconds(180));
      assertEquals("ok", job.get("state").asText(), job.toString());
    }
    Map<Long, Integer> submissions = submissionsByJob();
    int reattached = 0;
    for (long id : ids) {
      assertEquals(1, submissions.getOrDefault(id, 0), "job " + id + " submitted to Slurm once: " + submissions);
      reattached += api.job(id).get("attempt").asInt() == 1 ? 1 : 0;
    }
    System.out.printf("slurm restart: %s killed -9 and restarted; %d of %d jobs ok, each submitted once; %d kept attempt 1"
        + " (re-attached by the restarted handler), the rest adopted under the next attempt%n", victim, ids.size(),
        ids.size(), reattached);
  }

  /** How many Slurm jobs each Galley job got, by the names Slurm lists (finished ones stay for MinJobAge). */
  private static Map<Long, Integer> submissionsByJob() throws Exception {
    Map<Long, Integer> out = new HashMap<>();
    String prefix = "galley-" + CLUSTER_NAME + "-";
    for (SlurmJob j : slurm.commands().jobs().values()) {
      if (j.name().startsWith(prefix)) {
        String rest = j.name().substring(prefix.length());
        out.merge(Long.parseLong(rest.substring(0, rest.indexOf('-'))), 1, Integer::sum);
      }
    }
    return out;
  }
}
