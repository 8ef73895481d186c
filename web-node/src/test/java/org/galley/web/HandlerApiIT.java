package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.galley.core.admin.DrainRegistry;
import org.galley.core.admin.DrainRegistry.Drains;
import org.galley.core.admin.HandlerDirectory;
import org.galley.core.settings.NodeSettings;
import org.galley.protocol.DispatchProtocol.Describe;
import org.galley.web.HttpApiFixture.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.galley.web.http.Json;

/**
 * {@code /api/handlers} against a real drain registry on the test database's journal and fake
 * handlers in the receptionist: listing, draining, undraining, and every way those are refused.
 */
class HandlerApiIT extends RunningWebNode {
  String alice;

  @BeforeAll
  void createUser() {
    alice = api.newUser(ADMIN_KEY, "alice");
  }

  /** Drains outlive a test (they are persisted); every test starts with none. */
  @BeforeEach
  void nothingIsDrained() {
    TestProbe<Drains> reply = testKit.createTestProbe();
    drainRegistry.tell(new DrainRegistry.GetDrains(reply.ref()));
    for (String name : reply.receiveMessage().drained()) {
      drainRegistry.tell(new DrainRegistry.Undrain(name, "test-reset", reply.ref()));
      reply.receiveMessage();
    }
  }

  Reply drain(String name, String key) {
    return api.post("/api/handlers/" + name + "/drain", key, "");
  }

  Reply undrain(String name, String key) {
    return api.post("/api/handlers/" + name + "/undrain", key, "");
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.isObject() ? n.get("name").asText() : n.asText()));
    return texts;
  }

  long drainEvents() {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM event_journal WHERE persistence_id = 'galley-drains'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void liveHandlersAreListedSortedWithTheirCapacity() throws Exception {
    JsonNode list = api.get("/api/handlers", ADMIN_KEY).json();
    assertEquals(List.of("handler-a", "handler-b"), texts(list.get("handlers")));
    JsonNode expected = Json.MAPPER.readTree("""
        [{"name": "handler-a", "address": "pekko://galley@10.0.0.1:2552", "pools": ["default"], "workers": 4,
          "running": 1, "free_slots": 3, "drained": false, "up_since": "2024-05-01T12:00:00Z"},
         {"name": "handler-b", "address": "pekko://galley@10.0.0.2:2552", "pools": ["big", "default"],
          "workers": 2, "running": 2, "free_slots": 0, "drained": false, "up_since": "2024-05-02T08:30:00.250Z"}]
        """);
    assertEquals(expected, Json.MAPPER.readTree(list.get("handlers").toString()));
    assertEquals(List.of(), texts(list.get("drained")));
    handlerA.probe().expectMessageClass(Describe.class);
    handlerB.probe().expectMessageClass(Describe.class);
  }

  @Test
  void aDrainedHandlerIsShownDrainedPersistedAndPublishedToHandlers() {
    long events = drainEvents();
    JsonNode answer = drain("handler-b", ADMIN_KEY).json();
    assertEquals(Json.object().put("name", "handler-b").put("drained", true)
        .set("drained_handlers", Json.MAPPER.createArrayNode().add("handler-b")), answer);
    JsonNode list = api.get("/api/handlers", ADMIN_KEY).json();
    assertEquals(false, list.get("handlers").get(0).get("drained").asBoolean(), "handler-a");
    assertEquals(true, list.get("handlers").get(1).get("drained").asBoolean(), "handler-b");
    assertEquals(List.of("handler-b"), texts(list.get("drained")));
    assertEquals(events + 1, drainEvents(), "one event in the audit trail");
    drainsPublished.fishForMessage(Duration.ofSeconds(5), d -> d.drained().contains("handler-b")
        ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());

    assertEquals(answer, drain("handler-b", ADMIN_KEY).json(), "draining again is the same answer");
    assertEquals(events + 1, drainEvents(), "and no second event, so a retry is harmless");
  }

  @Test
  void anUndrainedHandlerTakesWorkAgain() {
    drain("handler-a", ADMIN_KEY);
    drain("handler-b", ADMIN_KEY);
    JsonNode answer = undrain("handler-a", ADMIN_KEY).json();
    assertEquals("handler-a", answer.get("name").asText());
    assertEquals(false, answer.get("drained").asBoolean());
    assertEquals(List.of("handler-b"), texts(answer.get("drained_handlers")));
    JsonNode list = api.get("/api/handlers", ADMIN_KEY).json();
    assertEquals(false, list.get("handlers").get(0).get("drained").asBoolean(), "handler-a");
    assertEquals(List.of("handler-b"), texts(list.get("drained")));
  }

  @Test
  void aHandlerThatIsNotLiveMayBeDrainedBeforeItStarts() {
    JsonNode answer = drain("handler-later", ADMIN_KEY).json();
    assertEquals(true, answer.get("drained").asBoolean());
    drain("handler-a", ADMIN_KEY);
    JsonNode list = api.get("/api/handlers", ADMIN_KEY).json();
    assertEquals(List.of("handler-a", "handler-b"), texts(list.get("handlers")), "drained, not live");
    assertEquals(List.of("handler-a", "handler-later"), texts(list.get("drained")), "sorted, live or not");
  }

  @Test
  void anEmptyJsonObjectIsAcceptedAsNoBody() {
    Reply r = api.post("/api/handlers/handler-a/drain", ADMIN_KEY, "{}");
    assertEquals(200, r.status(), r.body());
    assertEquals(true, r.json().get("drained").asBoolean());
  }

  @Test
  void aBodyWithContentIs400AndDrainsNothing() {
    long events = drainEvents();
    api.post("/api/handlers/handler-a/drain", ADMIN_KEY, "{\"reason\": \"disk full\"}")
        .isError(400, "field 'reason'");
    api.post("/api/handlers/handler-a/drain", ADMIN_KEY, "please").isError(400, "takes no body");
    api.post("/api/handlers/handler-a/drain", ADMIN_KEY, "[]").isError(400, "got an array");
    assertEquals(events, drainEvents());
  }

  @Test
  void onlyAdminsListDrainOrUndrainHandlers() {
    long events = drainEvents();
    api.get("/api/handlers", alice).isError(403, "admin");
    drain("handler-a", alice).isError(403, "admin");
    undrain("handler-a", alice).isError(403, "admin");
    api.get("/api/handlers", null).isError(401, "API key is required");
    drain("handler-a", "not-a-key").isError(403, "not valid");
    assertEquals(events, drainEvents(), "nothing drained");
  }

  @Test
  void theClusterAndActivityRoutesAreForAdminsAndNeedNoCluster() {
    api.get("/api/cluster", alice).isError(403, "admin");
    api.get("/api/activity", alice).isError(403, "admin");
    api.get("/api/cluster", null).isError(401, "API key is required");
    JsonNode cluster = api.get("/api/cluster", ADMIN_KEY).json();
    assertEquals(false, cluster.get("clustered").asBoolean(), "a local actor system: " + cluster);
    assertEquals(0, cluster.get("members").size());
    JsonNode activity = api.get("/api/activity", ADMIN_KEY).json();
    assertEquals(5, activity.get("interval_seconds").asInt());
    assertTrue(activity.get("samples").isArray(), activity.toString());
    api.post("/api/activity", ADMIN_KEY, "").isError(405, "not allowed");
  }

  @Test
  void aBadHandlerNameIs400NamingIt() {
    long events = drainEvents();
    drain("-dash-first", ADMIN_KEY).isError(400, "handler name '-dash-first'");
    undrain("a%20b", ADMIN_KEY).isError(400, "handler name 'a b'");
    drain("x".repeat(101), ADMIN_KEY).isError(400, "handler name 'xxxx");
    drain("h%2Fslash", ADMIN_KEY).isError(400, "handler name 'h/slash'");
    assertEquals(400005, drain("_", ADMIN_KEY).json().get("err_code").asInt());
    assertEquals(events, drainEvents(), "nothing drained");
    assertEquals(200, drain("x".repeat(100), ADMIN_KEY).status(), "100 characters are fine");
  }

  @Test
  void aWrongMethodOrPathUnderHandlersIsAnsweredInJson() {
    api.get("/api/handlers/handler-a/drain", ADMIN_KEY).isError(405, "not allowed");
    api.post("/api/handlers", ADMIN_KEY, "").isError(405, "not allowed");
    api.get("/api/handlers/handler-a", ADMIN_KEY).isError(404, "could not be found");
  }

  @Test
  void aHandlerThatNeverAnswersIsLeftOutAndTheListStillAnswersInTime() {
    FakeHandlers.FakeHandler stuck = fakeHandlers.silent("handler-0-stuck");
    try {
      long start = System.nanoTime();
      Reply r = api.get("/api/handlers", ADMIN_KEY);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(200, r.status(), r.body());
      assertEquals(List.of("handler-a", "handler-b"), texts(r.json().get("handlers")));
      stuck.probe().expectMessageClass(Describe.class);
      assertTrue(took.compareTo(HANDLER_TIMEOUT.plusSeconds(3)) < 0, "answered after " + took);
    } finally {
      fakeHandlers.stop(stuck);
    }
  }

  @Test
  void aDrainRegistryThatDoesNotAnswerIs503AndTheNodeKeepsServing() throws Exception {
    ActorRef<DrainRegistry.Command> gone = testKit.spawn(Behaviors.empty());
    testKit.stop(gone);
    HandlerDirectory unreachable = new HandlerDirectory(testKit.system(), gone, Duration.ofMillis(300));
    NodeSettings node = new NodeSettings(Set.of("web"), Set.of("default"), "web-no-registry", varDir);
    ServerBinding b = WebNode.start(testKit.system(), WebSettings.fromConfig(config), node, db.dataSource(), jobs,
        tools, events, ADMIN_KEY, unreachable).toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      HttpApiFixture cut = new HttpApiFixture("http://127.0.0.1:" + b.localAddress().getPort(), db.dataSource());
      cut.get("/api/handlers", ADMIN_KEY).isError(503, "could not list handlers");
      Reply drained = cut.post("/api/handlers/handler-a/drain", ADMIN_KEY, "").isError(503, "safe to repeat");
      assertEquals(503003, drained.json().get("err_code").asInt());
      cut.post("/api/handlers/handler-a/undrain", ADMIN_KEY, "").isError(503, "could not undrain handler-a");
      assertEquals(200, cut.get("/api/version", null).status());
      assertEquals(200, cut.get("/api/jobs", alice).status());
    } finally {
      b.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertEquals(200, api.get("/api/handlers", ADMIN_KEY).status(), "the healthy node is untouched");
  }
}
