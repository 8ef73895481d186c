package org.galley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every message that crosses JVMs survives CBOR serialization, actor refs included. */
class SerializationRoundTripTest {
  static final ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString(
      "pekko.actor.provider = local\npekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));
  static final SerializationTestKit serialization = new SerializationTestKit(kit.system());
  static final ActorRef<HandlerCommand> handler = kit.<HandlerCommand>createTestProbe().ref();
  static final ActorRef<DispatcherCommand> dispatcher = kit.<DispatcherCommand>createTestProbe().ref();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyDispatchMessageRoundTrips() {
    List<CborSerializable> messages = List.of(
        new DispatchProtocol.JobsSubmitted(3),
        new DispatchProtocol.HandlerCapacity(handler, "handler0", 4, true),
        new DispatchProtocol.ClaimDone(handler, 7L, 4, 2, 2),
        new DispatchProtocol.Claim("default", 4, 7L, dispatcher),
        new DispatchProtocol.ReportCapacity(dispatcher),
        new DispatchProtocol.CancelJob(42L),
        new DispatchProtocol.JobsClaimable("default"),
        new DispatchProtocol.ApplyDrain(true, kit.<DispatchProtocol.DrainApplied>createTestProbe().ref()),
        new DispatchProtocol.DrainApplied("handler0", true),
        new DispatchProtocol.Describe(kit.<DispatchProtocol.HandlerDescription>createTestProbe().ref()),
        new DispatchProtocol.HandlerDescription("handler0", "pekko://galley@127.0.0.1:7355", List.of("default", "special"),
            4, 1, 3, false, 1_700_000_000_000L));
    for (CborSerializable m : messages) {
      Object back = serialization.verifySerialization(m, true);
      assertEquals(m, back);
      assertTrue(kit.system().settings().config().getBoolean("pekko.actor.serialize-messages"));
    }
  }
}
