package org.galley.handler;

import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol;

/**
 * How the {@link HandlerActor} shows itself to the pools it serves: listed under each pool's key
 * with the Receptionist while it takes work, and its free slots told to the dispatchers that have
 * sent it a claim or asked for its capacity (watched, and forgotten when they stop) and, on
 * announcements, to the dispatcher of every pool it serves, which may not have heard from it yet.
 * A capacity report says {@code draining} whenever the handler takes no work (drained or stopping).
 */
final class PoolPresence {
  private final ActorContext<HandlerCommand> context;
  private final HandlerSetup setup;
  private final Set<ActorRef<DispatcherCommand>> known = new LinkedHashSet<>();

  PoolPresence(ActorContext<HandlerCommand> context, HandlerSetup setup) {
    this.context = context;
    this.setup = setup;
  }

  /** Listed in every pool it serves: dispatchers find it and ask for its capacity. */
  void list() {
    setup.servedPools().forEach(pool -> context.getSystem().receptionist()
        .tell(Receptionist.register(DispatchProtocol.handlersOf(pool), context.getSelf())));
  }

  /** No longer listed: it stops. */
  void unlist() {
    setup.servedPools().forEach(pool -> context.getSystem().receptionist()
        .tell(Receptionist.deregister(DispatchProtocol.handlersOf(pool), context.getSelf())));
  }

  void heardFrom(ActorRef<DispatcherCommand> dispatcher) {
    if (known.add(dispatcher)) {
      context.watch(dispatcher);
    }
  }

  void forgot(ActorRef<?> dispatcher) {
    known.remove(dispatcher);
  }

  HandlerCapacity capacity(HandlerState state) {
    return new HandlerCapacity(context.getSelf(), setup.serverName(), state.freeSlots(), !state.takesWork());
  }

  /** Tells the dispatchers that have heard from the handler. */
  void report(HandlerState state) {
    HandlerCapacity capacity = capacity(state);
    known.forEach(d -> d.tell(capacity));
  }

  /** Tells every dispatcher it can reach: at start, on a drain or undrain, on stop. */
  void announce(HandlerState state) {
    report(state);
    HandlerCapacity capacity = capacity(state);
    setup.servedPools().forEach(pool -> setup.dispatcherFor().apply(pool).tell(capacity));
  }
}
