package org.galley.web;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.galley.protocol.DispatchProtocol;
import org.galley.protocol.DispatchProtocol.Describe;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.HandlerDescription;

/**
 * Handlers as the web node meets them: actors registered with the receptionist under
 * {@link DispatchProtocol#ALL_HANDLERS} that answer {@link Describe}. Each shows every message it
 * gets to a probe, so a test can see that it was asked.
 */
final class FakeHandlers {
  /** A running fake handler and the probe that sees its messages. */
  record FakeHandler(ActorRef<HandlerCommand> ref, TestProbe<HandlerCommand> probe) {}

  private final ActorTestKit kit;

  FakeHandlers(ActorTestKit kit) {
    this.kit = kit;
  }

  /** A handler that answers {@link Describe} with {@code description}. Registered when this returns. */
  FakeHandler describing(HandlerDescription description) {
    return start(description.serverName(), description);
  }

  /** A handler that takes {@link Describe} and never answers, like one stuck in a long pause. */
  FakeHandler silent(String name) {
    return start(name, null);
  }

  /** Takes the handler out of the receptionist's listing (acknowledged) and stops it. */
  void stop(FakeHandler handler) {
    TestProbe<Receptionist.Deregistered> ack = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.deregister(DispatchProtocol.ALL_HANDLERS, handler.ref(), ack.ref()));
    ack.expectMessageClass(Receptionist.Deregistered.class);
    kit.stop(handler.ref());
  }

  private FakeHandler start(String name, HandlerDescription answer) {
    TestProbe<HandlerCommand> probe = kit.createTestProbe(name + "-probe");
    ActorRef<HandlerCommand> ref = kit.spawn(behavior(probe.ref(), answer), name);
    TestProbe<Receptionist.Registered> ack = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(DispatchProtocol.ALL_HANDLERS, ref, ack.ref()));
    ack.expectMessageClass(Receptionist.Registered.class);
    return new FakeHandler(ref, probe);
  }

  /** {@code answer} null: silent. */
  private static Behavior<HandlerCommand> behavior(ActorRef<HandlerCommand> probe, HandlerDescription answer) {
    return Behaviors.receiveMessage(message -> {
      probe.tell(message);
      if (answer != null && message instanceof Describe describe) {
        describe.replyTo().tell(answer);
      }
      return Behaviors.same();
    });
  }
}
