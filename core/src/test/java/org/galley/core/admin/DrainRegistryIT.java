package org.galley.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.admin.DrainRegistry.Drains;
import org.galley.core.db.Database;
import org.galley.core.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The drain registry on the real Persistence JDBC journal: events persist, state survives a restart. */
class DrainRegistryIT {
  static Database db;
  static ActorTestKit kit;

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh();
    Config config = ConfigFactory.parseString("pekko.actor.provider = local\npekko.actor.serialize-messages = on")
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.url", ConfigValueFactory.fromAnyRef(db.url()))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.user", ConfigValueFactory.fromAnyRef("postgres"))
        .withFallback(org.galley.core.cluster.ClusterConfig.pekkoDefaults())
        .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create(config);
  }

  @AfterAll
  static void stop() throws Exception {
    kit.shutdownTestKit();
    db.close();
  }

  @Test
  void drainsAndTheJobLockArePublishedPersistedAndSurviveARestart() throws Exception {
    ActorRef<Topic.Command<Drains>> topic = kit.spawn(Topic.create(Drains.class, "drains-test"));
    TestProbe<Drains> follower = kit.createTestProbe();
    topic.tell(Topic.subscribe(follower.ref()));
    TestProbe<Drains> reply = kit.createTestProbe();

    ActorRef<DrainRegistry.Command> registry = kit.spawn(DrainRegistry.create(topic, Clock.systemUTC()));
    registry.tell(new DrainRegistry.GetDrains(reply.ref()));
    reply.expectMessage(new Drains(Set.of()));
    // The topic's subscription is asynchronous; the first publish may come before it. Drain until heard.
    registry.tell(new DrainRegistry.Drain("handler0", "admin", reply.ref()));
    assertEquals(Set.of("handler0"), reply.receiveMessage().drained());
    registry.tell(new DrainRegistry.Drain("handler1", "admin", reply.ref()));
    assertEquals(Set.of("handler0", "handler1"), reply.receiveMessage().drained());
    follower.fishForMessage(java.time.Duration.ofSeconds(5), d -> d.drained().size() == 2
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    registry.tell(new DrainRegistry.Undrain("handler0", "ops", reply.ref()));
    assertEquals(Set.of("handler1"), reply.receiveMessage().drained());
    registry.tell(new DrainRegistry.Undrain("nobody", "ops", reply.ref()));
    assertEquals(Set.of("handler1"), reply.receiveMessage().drained(), "undraining a handler that is not drained changes nothing");

    kit.stop(registry);
    ActorRef<DrainRegistry.Command> again = kit.spawn(DrainRegistry.create(topic, Clock.systemUTC()));
    again.tell(new DrainRegistry.GetDrains(reply.ref()));
    assertEquals(Set.of("handler1"), reply.receiveMessage().drained(), "state replayed from the journal");

    // The job lock: one event per change, published, replayed; turning it on twice records it once.
    again.tell(new DrainRegistry.SetJobLock(true, "admin", reply.ref()));
    Drains locked = reply.receiveMessage();
    assertEquals(new Drains(Set.of("handler1"), true), locked);
    assertTrue(locked.holds("any-handler"), "the lock holds every handler");
    again.tell(new DrainRegistry.SetJobLock(true, "ops", reply.ref()));
    assertEquals(locked, reply.receiveMessage());
    follower.fishForMessage(java.time.Duration.ofSeconds(5), d -> d.jobLock()
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    kit.stop(again);
    ActorRef<DrainRegistry.Command> third = kit.spawn(DrainRegistry.create(topic, Clock.systemUTC()));
    third.tell(new DrainRegistry.GetDrains(reply.ref()));
    assertEquals(locked, reply.receiveMessage(), "the lock replayed from the journal");
    third.tell(new DrainRegistry.SetJobLock(false, "admin", reply.ref()));
    Drains unlocked = reply.receiveMessage();
    assertFalse(unlocked.jobLock());
    assertFalse(unlocked.holds("any-handler"));
    assertTrue(unlocked.holds("handler1"), "a drained handler stays drained");

    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM event_journal WHERE persistence_id = 'galley-drains'")) {
      rs.next();
      assertEquals(5, rs.getInt(1), "five changes, five events in the audit trail");
    }
  }
}
