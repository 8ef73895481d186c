package org.galley.core.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.galley.protocol.DispatchProtocol;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.HandlerDescription;
import org.galley.protocol.Pools;

/**
 * The administrator's view of handlers, for the HTTP API: which are live (the Receptionist's
 * reachable listing, each asked to describe itself), and which are drained (the
 * {@link DrainRegistry}), and the cluster-wide job lock (also the registry's). A handler that does not answer in time is left out of the list.
 */
public final class HandlerDirectory {
  private final ActorSystem<?> system;
  private final ActorRef<DrainRegistry.Command> registry;
  private final Duration timeout;

  public HandlerDirectory(ActorSystem<?> system, ActorRef<DrainRegistry.Command> registry, Duration timeout) {
    this.system = system;
    this.registry = registry;
    this.timeout = timeout;
  }

  /** Live handlers sorted by server name, {@code drained} as the registry has it. */
  public CompletionStage<List<HandlerDescription>> liveHandlers() {
    CompletionStage<Set<ActorRef<HandlerCommand>>> refs = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(), r -> Receptionist.find(DispatchProtocol.ALL_HANDLERS, r), timeout, system.scheduler())
        .thenApply(l -> l.getServiceInstances(DispatchProtocol.ALL_HANDLERS));
    return refs.thenCombine(drained(), (handlers, drained) -> {
      List<CompletableFuture<HandlerDescription>> asks = new ArrayList<>();
      for (ActorRef<HandlerCommand> h : handlers) {
        asks.add(AskPattern.<HandlerCommand, HandlerDescription>ask(h, DispatchProtocol.Describe::new, timeout, system.scheduler())
            .toCompletableFuture()
            .exceptionally(e -> null));
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> asks.stream()
          .map(CompletableFuture::join)
          .filter(d -> d != null)
          .map(d -> withDrained(d, drained.contains(d.serverName())))
          .sorted(Comparator.comparing(HandlerDescription::serverName))
          .toList());
    }).thenCompose(f -> f);
  }

  /** Names of drained handlers, live or not. */
  public CompletionStage<Set<String>> drained() {
    return AskPattern.<DrainRegistry.Command, DrainRegistry.Drains>ask(registry, DrainRegistry.GetDrains::new, timeout, system.scheduler())
        .thenApply(DrainRegistry.Drains::drained);
  }

  /**
   * Drains a handler (live or not yet started) and returns every drained name. The registry
   * records it; a live handler is also told directly and answers once it takes no new job, so the
   * drain holds when this completes. A handler that does not answer in time still learns it from
   * the registry's topic.
   */
  public CompletionStage<Set<String>> drain(String serverName, String by) {
    return AskPattern.<DrainRegistry.Command, DrainRegistry.Drains>ask(registry,
            r -> new DrainRegistry.Drain(serverName, by, r), timeout, system.scheduler())
        .thenCompose(d -> applyTo(serverName, true).thenApply(v -> d.drained()));
  }

  public CompletionStage<Set<String>> undrain(String serverName, String by) {
    return AskPattern.<DrainRegistry.Command, DrainRegistry.Drains>ask(registry,
            r -> new DrainRegistry.Undrain(serverName, by, r), timeout, system.scheduler())
        .thenCompose(d -> applyTo(serverName, d.holds(serverName)).thenApply(v -> d.drained()));
  }

  /** Whether the job lock is on, as the registry has it. */
  public CompletionStage<Boolean> jobLock() {
    return AskPattern.<DrainRegistry.Command, DrainRegistry.Drains>ask(registry, DrainRegistry.GetDrains::new, timeout, system.scheduler())
        .thenApply(DrainRegistry.Drains::jobLock);
  }

  /**
   * Turns the job lock on or off and returns it as it is now. The registry records it; every live
   * handler is also told directly (as for a drain) and answers once it applied it, so a lock on
   * holds when this completes. A handler that does not answer in time learns it from the topic.
   */
  public CompletionStage<Boolean> setJobLock(boolean active, String by) {
    return AskPattern.<DrainRegistry.Command, DrainRegistry.Drains>ask(registry,
            r -> new DrainRegistry.SetJobLock(active, by, r), timeout, system.scheduler())
        .thenCompose(d -> applyToAll(d).thenApply(v -> d.jobLock()));
  }

  /** Tells every live handler whether it now takes new jobs; each answers once it applied it. */
  private CompletionStage<Void> applyToAll(DrainRegistry.Drains drains) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(), r -> Receptionist.find(DispatchProtocol.ALL_HANDLERS, r), timeout, system.scheduler())
        .thenCompose(listing -> {
          List<CompletableFuture<DispatchProtocol.DrainApplied>> asks = new ArrayList<>();
          for (ActorRef<HandlerCommand> h : listing.getServiceInstances(DispatchProtocol.ALL_HANDLERS)) {
            asks.add(AskPattern.<HandlerCommand, HandlerDescription>ask(h, DispatchProtocol.Describe::new, timeout,
                    system.scheduler())
                .thenCompose(d -> AskPattern.<HandlerCommand, DispatchProtocol.DrainApplied>ask(h,
                    r -> new DispatchProtocol.ApplyDrain(drains.holds(d.serverName()), r), timeout, system.scheduler()))
                .toCompletableFuture()
                .exceptionally(e -> null));
          }
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
        });
  }

  private CompletionStage<Void> applyTo(String serverName, boolean drained) {
    ServiceKey<HandlerCommand> key = DispatchProtocol.handlersOf(Pools.ofHandler(serverName));
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(), r -> Receptionist.find(key, r), timeout, system.scheduler())
        .thenCompose(listing -> {
          List<CompletableFuture<DispatchProtocol.DrainApplied>> asks = new ArrayList<>();
          for (ActorRef<HandlerCommand> h : listing.getServiceInstances(key)) {
            asks.add(AskPattern.<HandlerCommand, DispatchProtocol.DrainApplied>ask(h,
                    r -> new DispatchProtocol.ApplyDrain(drained, r), timeout, system.scheduler())
                .toCompletableFuture()
                .exceptionally(e -> null));
          }
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
        });
  }

  private static HandlerDescription withDrained(HandlerDescription d, boolean drained) {
    return new HandlerDescription(d.serverName(), d.address(), d.pools(), d.workers(), d.running(), d.freeSlots(),
        drained, d.upSinceEpochMillis());
  }
}
