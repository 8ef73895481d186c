package org.galley.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.galley.protocol.CborSerializable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The drain registry's commands, replies, events and snapshot state survive CBOR. */
class AdminSerializationTest {
  static final ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
      .withFallback(ConfigFactory.load()));
  static final SerializationTestKit serialization = new SerializationTestKit(kit.system());

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyDrainRegistryMessageEventAndStateRoundTrips() {
    var replyTo = kit.<DrainRegistry.Drains>createTestProbe().ref();
    Instant at = Instant.parse("2026-11-21T10:00:00Z");
    List<CborSerializable> all = List.of(
        new DrainRegistry.Drain("handler0", "admin", replyTo),
        new DrainRegistry.Undrain("handler0", "admin", replyTo),
        new DrainRegistry.GetDrains(replyTo),
        new DrainRegistry.Drains(Set.of("handler0", "handler1")),
        new DrainRegistry.Drains(Set.of(), true),
        new DrainRegistry.SetJobLock(true, "admin", replyTo),
        new DrainRegistry.JobLockChanged(true, "admin", at),
        DrainState.empty().jobLock(true, "admin", at),
        new DrainRegistry.HandlerDrained("handler0", "admin", at),
        new DrainRegistry.HandlerUndrained("handler0", "ops", at),
        DrainState.empty().drain("handler0", "admin", at).drain("handler1", "ops", at));
    for (CborSerializable m : all) {
      assertEquals(m, serialization.verifySerialization(m, true));
    }
  }
}
