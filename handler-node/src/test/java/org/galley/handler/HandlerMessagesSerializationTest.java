package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The handler adds no message that crosses JVMs; what it sends and receives from dispatchers is
 * the protocol's, checked here with real actor refs on this module's classpath. Its own messages
 * stay local and say so.
 */
class HandlerMessagesSerializationTest {
  private static final ActorTestKit KIT = ActorTestKit.create(
      ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void theDispatchMessagesAHandlerSendsAndReceivesRoundTrip() {
    ActorRef<HandlerCommand> handler = KIT.<HandlerCommand>createTestProbe().ref();
    TestProbe<DispatcherCommand> dispatcher = KIT.createTestProbe();
    List<Object> messages = List.of(
        new DispatchProtocol.Claim("default", 5, 42L, dispatcher.ref()),
        new DispatchProtocol.ClaimDone(handler, 42L, 2, 1, 3),
        new DispatchProtocol.ReportCapacity(dispatcher.ref()),
        new DispatchProtocol.HandlerCapacity(handler, "handler-a", 4, true),
        new DispatchProtocol.CancelJob(7L),
        new DispatchProtocol.Describe(KIT.<DispatchProtocol.HandlerDescription>createTestProbe().ref()),
        new DispatchProtocol.HandlerDescription("handler-a", "pekko://galley@127.0.0.1:7355", List.of("default", "gpu"),
            4, 1, 3, false, 1_700_000_000_000L));
    messages.forEach(m -> KIT.serializationTestKit().verifySerialization(m, true));
  }

  @Test
  void theHandlersOwnMessagesAreMarkedLocal() {
    assertTrue(NoSerializationVerificationNeeded.class.isAssignableFrom(HandlerActor.Stop.class));
    assertTrue(NoSerializationVerificationNeeded.class.isAssignableFrom(HandlerActor.Deleting.class));
    assertTrue(NoSerializationVerificationNeeded.class.isAssignableFrom(DrainWatch.Status.class));
    assertTrue(NoSerializationVerificationNeeded.class.isAssignableFrom(HandlerSteps.Done.class));
  }
}
