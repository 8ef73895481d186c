package org.galley.core.dispatch;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.galley.protocol.DispatchProtocol.HandlerCommand;

/**
 * A pool dispatcher's state, free of actors and I/O so placement is unit-tested.
 *
 * <p>{@code pending} says the table may hold new jobs of the pool. It is set by every
 * submission and by a sweep that finds some, and cleared only by a claim that came back short
 * with no submission since it was sent: that claim saw every job committed before it.
 */
public record PoolState(
    Map<ActorRef<HandlerCommand>, HandlerView> handlers,
    boolean pending,
    long submissions,
    Map<Long, Claim> claims,
    long nextTicket) {

  /** A claim sent and not yet answered. */
  public record Claim(ActorRef<HandlerCommand> handler, long submissionsAtSend, int max) {}

  public PoolState {
    handlers = Map.copyOf(handlers);
    claims = Map.copyOf(claims);
  }

  /** A new dispatcher assumes the table holds work until a claim shows otherwise. */
  public static PoolState initial() {
    return new PoolState(Map.of(), true, 0, Map.of(), 1);
  }

  /** The Receptionist's reachable handlers changed; returns the state and the handlers seen for the first time. */
  public PoolState withLive(Set<ActorRef<HandlerCommand>> live) {
    Map<ActorRef<HandlerCommand>, HandlerView> next = new HashMap<>();
    for (HandlerView h : handlers.values()) {
      if (live.contains(h.ref()) || !h.live()) {
        // Keep reported-but-not-yet-listed handlers: the listing lags the handler's own report.
        next.put(h.ref(), new HandlerView(h.ref(), h.serverName(), live.contains(h.ref()), h.freeSlots(), h.draining(), h.claiming()));
      }
    }
    for (ActorRef<HandlerCommand> ref : live) {
      next.putIfAbsent(ref, new HandlerView(ref, "", true, 0, false, false));
    }
    Map<Long, Claim> openClaims = new HashMap<>(claims);
    openClaims.values().removeIf(c -> !next.containsKey(c.handler()));
    return new PoolState(next, pending, submissions, openClaims, nextTicket);
  }

  /** Handlers listed as live whose capacity is still unknown: ask them. */
  public Set<ActorRef<HandlerCommand>> unknownLive() {
    Set<ActorRef<HandlerCommand>> out = new HashSet<>();
    handlers.values().stream().filter(h -> h.live() && h.serverName().isEmpty()).forEach(h -> out.add(h.ref()));
    return out;
  }

  public PoolState withCapacity(ActorRef<HandlerCommand> ref, String serverName, int freeSlots, boolean draining) {
    HandlerView old = handlers.get(ref);
    boolean live = old != null && old.live();
    boolean claiming = old != null && old.claiming();
    Map<ActorRef<HandlerCommand>, HandlerView> next = new HashMap<>(handlers);
    next.put(ref, new HandlerView(ref, serverName, live, freeSlots, draining, claiming));
    return new PoolState(next, pending, submissions, claims, nextTicket);
  }

  public PoolState submitted() {
    return new PoolState(handlers, true, submissions + 1, claims, nextTicket);
  }

  /** A sweep counted new jobs in the table. */
  public PoolState swept(long newJobs) {
    return newJobs > 0 ? new PoolState(handlers, true, submissions, claims, nextTicket) : this;
  }

  /** Filter (live, taking work, free slot, no claim under way) → rank (most free slots) → pick. */
  public Optional<HandlerView> place() {
    if (!pending) {
      return Optional.empty();
    }
    return handlers.values().stream()
        .filter(HandlerView::canTakeWork)
        .max(Comparator.comparingInt(HandlerView::freeSlots).thenComparing(HandlerView::serverName));
  }

  /** Records a claim sent to {@code h} for all its free slots. */
  public PoolState claimSent(HandlerView h) {
    Map<ActorRef<HandlerCommand>, HandlerView> next = new HashMap<>(handlers);
    next.put(h.ref(), new HandlerView(h.ref(), h.serverName(), h.live(), h.freeSlots(), h.draining(), true));
    Map<Long, Claim> openClaims = new HashMap<>(claims);
    openClaims.put(nextTicket, new Claim(h.ref(), submissions, h.freeSlots()));
    return new PoolState(next, pending, submissions, openClaims, nextTicket + 1);
  }

  /** The handler answered ticket: it asked the table for {@code requested} and got {@code claimed}. */
  public PoolState claimDone(long ticket, ActorRef<HandlerCommand> ref, int requested, int claimed, int freeSlots) {
    Claim claim = claims.get(ticket);
    Map<Long, Claim> openClaims = new HashMap<>(claims);
    openClaims.remove(ticket);
    boolean stillPending = pending;
    if (claim != null && claimed < requested && claim.submissionsAtSend() == submissions) {
      stillPending = false;
    }
    Map<ActorRef<HandlerCommand>, HandlerView> next = new HashMap<>(handlers);
    HandlerView h = handlers.get(ref);
    if (h != null) {
      next.put(ref, new HandlerView(ref, h.serverName(), h.live(), freeSlots, h.draining(), false));
    }
    return new PoolState(next, stillPending, submissions, openClaims, nextTicket);
  }

  /** Whether some live handler takes work at all (free slots or not). */
  public boolean anyHandlerTakingWork() {
    return handlers.values().stream().anyMatch(h -> h.live() && !h.draining());
  }

  public long liveHandlers() {
    return handlers.values().stream().filter(HandlerView::live).count();
  }
}
