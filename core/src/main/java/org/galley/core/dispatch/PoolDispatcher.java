package org.galley.core.dispatch;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.galley.core.job.JobStore;
import org.galley.protocol.DispatchProtocol;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.JobsSubmitted;

/**
 * The dispatcher of one pool: a Cluster Sharding entity whose id is the pool name (with one pool
 * it is, in effect, the cluster's singleton router). It owns no jobs; it knows which handlers of
 * its pool are live (the Receptionist's reachable listing) and how many slots each has free, and
 * asks those with free slots to claim new jobs from the table. Web nodes tell it of submissions
 * and a sweep looks in the table, so a lost message delays a job but never loses it.
 *
 * <p>On loss of its node the shard moves to another node and, being a remembered entity, the
 * dispatcher starts again there with empty state: it re-learns handlers from the Receptionist,
 * asks their capacity, and assumes the table holds work until a claim shows otherwise.
 */
public final class PoolDispatcher extends AbstractBehavior<DispatcherCommand> {

  public static final EntityTypeKey<DispatcherCommand> TYPE_KEY =
      EntityTypeKey.create(DispatcherCommand.class, "pool-dispatcher");

  // Private messages never leave this JVM.
  private record ListingChanged(Set<ActorRef<HandlerCommand>> live) implements DispatcherCommand, NoSerializationVerificationNeeded {}

  private enum SweepTick implements DispatcherCommand, NoSerializationVerificationNeeded { INSTANCE }

  private record Swept(long newJobs) implements DispatcherCommand, NoSerializationVerificationNeeded {}

  private final String pool;
  private final JobStore jobs;
  private final Executor blocking;
  private PoolState state = PoolState.initial();
  private boolean sweeping;

  /**
   * Starts the shard region on this node. Dispatchers live on web nodes only (other nodes get a
   * proxy): a handler killed with -9 must not take its pool's dispatcher with it, which would start
   * again elsewhere only after the shard is handed over (measured: 5-7 s more failover, #13).
   */
  public static void initSharding(ActorSystem<?> system, JobStore jobs, Duration sweepInterval) {
    ClusterSharding.get(system).init(
        Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), jobs, sweepInterval)).withRole(org.galley.protocol.Roles.WEB));
  }

  /** The dispatcher of {@code pool}, started wherever sharding places it on first message. */
  public static EntityRef<DispatcherCommand> of(ActorSystem<?> system, String pool) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, pool);
  }

  public static Behavior<DispatcherCommand> create(String pool, JobStore jobs, Duration sweepInterval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(SweepTick.INSTANCE, sweepInterval);
      return new PoolDispatcher(ctx, pool, jobs);
    }));
  }

  private PoolDispatcher(ActorContext<DispatcherCommand> ctx, String pool, JobStore jobs) {
    super(ctx);
    this.pool = pool;
    this.jobs = jobs;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class,
        l -> new ListingChanged(l.getServiceInstances(DispatchProtocol.handlersOf(pool))));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(DispatchProtocol.handlersOf(pool), listings));
    ctx.getLog().debug("dispatcher of pool {} started", pool);
  }

  @Override
  public Receive<DispatcherCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(JobsSubmitted.class, this::onJobsSubmitted)
        .onMessage(HandlerCapacity.class, this::onHandlerCapacity)
        .onMessage(ClaimDone.class, this::onClaimDone)
        .onMessage(ListingChanged.class, this::onListingChanged)
        .onMessageEquals(SweepTick.INSTANCE, this::onSweepTick)
        .onMessage(Swept.class, this::onSwept)
        .build();
  }

  private Behavior<DispatcherCommand> onJobsSubmitted(JobsSubmitted msg) {
    state = state.submitted();
    return dispatch();
  }

  private Behavior<DispatcherCommand> onHandlerCapacity(HandlerCapacity msg) {
    getContext().getLog().debug("pool {}: {} has {} free slot(s){}", pool, msg.serverName(), msg.freeSlots(),
        msg.draining() ? ", draining" : "");
    state = state.withCapacity(msg.handler(), msg.serverName(), msg.freeSlots(), msg.draining());
    return dispatch();
  }

  private Behavior<DispatcherCommand> onClaimDone(ClaimDone msg) {
    getContext().getLog().debug("pool {}: claim {} took {} of {}", pool, msg.ticket(), msg.claimed(), msg.requested());
    state = state.claimDone(msg.ticket(), msg.handler(), msg.requested(), msg.claimed(), msg.freeSlots());
    return dispatch();
  }

  private Behavior<DispatcherCommand> onListingChanged(ListingChanged msg) {
    state = state.withLive(msg.live());
    getContext().getLog().info("pool {}: {} live handler(s)", pool, state.liveHandlers());
    for (ActorRef<HandlerCommand> h : state.unknownLive()) {
      h.tell(new DispatchProtocol.ReportCapacity(getContext().getSelf()));
    }
    return dispatch();
  }

  private Behavior<DispatcherCommand> onSweepTick() {
    if (!sweeping) {
      sweeping = true;
      // The count runs on the blocking dispatcher; the answer comes back as a message.
      getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> jobs.countNew(pool), blocking),
          (count, failure) -> new Swept(failure == null ? count : 0L));
    }
    return this;
  }

  private Behavior<DispatcherCommand> onSwept(Swept msg) {
    sweeping = false;
    state = state.swept(msg.newJobs());
    if (msg.newJobs() > 0 && !state.anyHandlerTakingWork()) {
      // Tell the people waiting why; the first claim clears the note.
      String why = state.liveHandlers() == 0
          ? "waiting: no live handler serves pool " + pool
          : "waiting: every live handler of pool " + pool + " is drained";
      CompletableFuture.runAsync(() -> jobs.noteWaiting(pool, why), blocking);
    }
    return dispatch();
  }

  /** Sends claims while the table may hold work and a live handler has free slots. */
  private Behavior<DispatcherCommand> dispatch() {
    var pick = state.place();
    while (pick.isPresent()) {
      HandlerView h = pick.get();
      long ticket = state.nextTicket();
      state = state.claimSent(h);
      getContext().getLog().debug("pool {}: claim {} asks {} for {} job(s)", pool, ticket, h.serverName(), h.freeSlots());
      h.ref().tell(new DispatchProtocol.Claim(pool, h.freeSlots(), ticket, getContext().getSelf()));
      pick = state.place();
    }
    return this;
  }
}
