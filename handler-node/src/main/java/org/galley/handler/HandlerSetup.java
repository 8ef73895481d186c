package org.galley.handler;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.admin.DrainRegistry;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerDescription;
import org.galley.protocol.Pools;

/**
 * What a handler actor is made of: its name and pools, its settings, the blocking steps it runs,
 * and the refs it talks to. Fixed for the life of one incarnation.
 *
 * @param servedPools the configured pools and the handler's own pool of one
 * @param dispatcherFor the dispatcher of a pool, to announce capacity to before it heard from us
 * @param upSinceEpochMillis when this incarnation started
 * @param tablePoll how it claims from the table by itself (db-* methods); {@link TablePoll#NONE} if not
 * @param outputSize most bytes a running job's working directory may hold; empty for no limit
 */
record HandlerSetup(
    String serverName,
    Set<String> servedPools,
    HandlerSettings settings,
    Attempts attempts,
    Recovery recovery,
    Function<String, RecipientRef<DispatcherCommand>> dispatcherFor,
    ActorRef<Topic.Command<CancelJob>> cancels,
    ActorRef<Topic.Command<DrainRegistry.Drains>> drains,
    ActorRef<DrainRegistry.Command> drainRegistry,
    DrainWatch.Timing drainTiming,
    long upSinceEpochMillis,
    TablePoll tablePoll,
    java.util.Optional<Long> outputSize) {

  HandlerSetup {
    servedPools = Set.copyOf(servedPools);
  }

  /** A handler of the cluster method only, which never claims from the table by itself. */
  HandlerSetup(String serverName, Set<String> servedPools, HandlerSettings settings, Attempts attempts, Recovery recovery,
      Function<String, RecipientRef<DispatcherCommand>> dispatcherFor, ActorRef<Topic.Command<CancelJob>> cancels,
      ActorRef<Topic.Command<DrainRegistry.Drains>> drains, ActorRef<DrainRegistry.Command> drainRegistry,
      DrainWatch.Timing drainTiming, long upSinceEpochMillis) {
    this(serverName, servedPools, settings, attempts, recovery, dispatcherFor, cancels, drains, drainRegistry, drainTiming,
        upSinceEpochMillis, TablePoll.NONE, java.util.Optional.empty());
  }

  /** The handler as an administrator sees it; pools sorted, without its own pool of one. */
  HandlerDescription description(ActorSystem<?> system, int running, int freeSlots, boolean drained) {
    String own = Pools.ofHandler(serverName);
    List<String> pools = servedPools.stream().filter(p -> !p.equals(own)).sorted().toList();
    return new HandlerDescription(serverName, system.address().toString(), pools, settings.workers(), running,
        freeSlots, drained, upSinceEpochMillis);
  }
}
