package org.galley.core.dispatch;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.cluster.typed.Subscribe;
import org.galley.core.cluster.NodeLeases;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.settings.JobsSettings;
import org.galley.protocol.DispatchProtocol.JobsSubmitted;
import org.galley.protocol.JobState;
import org.galley.protocol.Roles;

/**
 * Hands back the jobs of handlers that left the cluster: Galaxy strands them until an
 * administrator runs an UPDATE by hand. A cluster singleton, so one node decides.
 *
 * <p>Only a member that is downed or removed counts, never mere unreachability: the Split Brain
 * Resolver downed it (or it left, or an operator downed it), a decision that cannot be undone (a
 * downed member is always removed next), and only then are its jobs requeued under the next
 * attempt, which fences off anything the old attempt still writes — but no sooner than
 * {@link ReapTiming} allows, so the lost handler's processes are dead first (its orphan watchdog,
 * or its own downing, killed them). For an unreachable member, acting on the downing rather than
 * waiting for the removal that follows saves the leader's removal round (about a second); a
 * reachable member downed by an operator is waited for until removed, which happens only once it
 * saw its downing (and so killed its jobs). A handler that is a member again
 * under the same server name keeps its jobs: it recovers them.
 *
 * <p>Events missed while the singleton moves are caught by reconciliation: every
 * {@code reconcile-interval} (first after {@code reconcile-grace}) handlers holding jobs are
 * compared with the members, and those absent for the orphan guard are requeued.
 *
 * <p>Whichever way a reap comes, it also waits for the handler's lease ({@link NodeLeases}) to
 * expire: a handler that is no member of this cluster but renews its lease runs in another
 * cluster on the same database (a first seed founded one), and keeps its jobs. A dead or cut-off
 * handler stops renewing, so a kill -9 costs nothing here: its lease expires
 * {@code galley.cluster.lease-timeout} (5 s) after its last renewal, before the downing's reap is
 * due. The check and the requeue are two statements; a new incarnation of the handler that takes
 * the lease in between is fenced by the next attempt (its ownership check kills what it started).
 */
public final class HandlerReaper extends AbstractBehavior<HandlerReaper.Command> {

  /** Local messages only; the singleton is never addressed from outside. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record MemberRemoved(Member member) implements Command {}

  private record MemberDowned(Member member) implements Command {}

  private record MemberUnreachable(Member member) implements Command {}

  private record MemberReachable(Member member) implements Command {}

  private record Reap(String serverName) implements Command {}

  private enum ReconcileTick implements Command { INSTANCE }

  private record Holding(List<String> handlers) implements Command {}

  private record Reaped(String serverName, List<Job> jobs, Throwable failure) implements Command {}

  private record LeaseRead(String serverName, Duration remaining, Throwable failure) implements Command {}

  /** A handler that renewed its lease through this many waits is alive elsewhere: left to reconciliation. */
  private static final int MAX_LEASE_WAITS = 3;

  private final JobStore jobs;
  private final NodeLeases leases;
  private final JobsSettings settings;
  private final Executor blocking;
  private final Cluster cluster;
  private final TimerScheduler<Command> timers;
  /** When members were first seen unreachable (nanoTime), until they are reachable again or removed. */
  private final Map<UniqueAddress, Long> unreachableSince = new HashMap<>();
  /** Members downed whose reap is scheduled, until they are removed. */
  private final Set<UniqueAddress> downed = new HashSet<>();
  /** Server names whose reap waits for their lease to expire, with the number of waits so far. */
  private final Map<String, Integer> leaseWaits = new HashMap<>();
  private ReapTiming timing;

  public static void init(ActorSystem<?> system, JobStore jobs, JobsSettings settings, NodeLeases leases) {
    // On the oldest web node: a handler killed with -9 must not take the reaper with it (a new one
    // would find the loss only by reconciliation, reconcile-grace later).
    ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.supervise(create(jobs, settings, leases)).onFailure(SupervisorStrategy.restart()), "handler-reaper")
        .withSettings(org.apache.pekko.cluster.typed.ClusterSingletonSettings.create(system).withRole(Roles.WEB)));
  }

  public static Behavior<Command> create(JobStore jobs, JobsSettings settings, NodeLeases leases) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new HandlerReaper(ctx, timers, jobs, settings, leases)));
  }

  private HandlerReaper(ActorContext<Command> ctx, TimerScheduler<Command> timers, JobStore jobs, JobsSettings settings,
      NodeLeases leases) {
    super(ctx);
    this.jobs = jobs;
    this.leases = leases;
    this.settings = settings;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
    this.cluster = Cluster.get(ctx.getSystem());
    this.timing = ReapTiming.of(settings.requeueDelay(), settings.orphanGuard());
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberRemoved.class, e -> new MemberRemoved(e.member())),
        ClusterEvent.MemberRemoved.class));
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberDowned.class, e -> new MemberDowned(e.member())),
        ClusterEvent.MemberDowned.class));
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.UnreachableMember.class, e -> new MemberUnreachable(e.member())),
        ClusterEvent.UnreachableMember.class));
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.ReachableMember.class, e -> new MemberReachable(e.member())),
        ClusterEvent.ReachableMember.class));
    this.timers = timers;
    timers.startTimerWithFixedDelay(ReconcileTick.INSTANCE, settings.reconcileGrace(), settings.reconcileInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onMessage(MemberDowned.class, this::onMemberDowned)
        .onMessage(MemberUnreachable.class, m -> {
          unreachableSince.putIfAbsent(m.member().uniqueAddress(), System.nanoTime());
          return this;
        })
        .onMessage(MemberReachable.class, m -> {
          unreachableSince.remove(m.member().uniqueAddress());
          return this;
        })
        .onMessage(Reap.class, this::onReap)
        .onMessageEquals(ReconcileTick.INSTANCE, this::onReconcileTick)
        .onMessage(Holding.class, this::onHolding)
        .onMessage(LeaseRead.class, this::onLeaseRead)
        .onMessage(Reaped.class, this::onReaped)
        .build();
  }

  /**
   * Only an unreachable member's downing counts here: a reachable one (downed by an operator) may
   * not know it yet, and is removed only once it does, so its removal is waited for instead.
   */
  private Behavior<Command> onMemberDowned(MemberDowned msg) {
    Long since = unreachableSince.get(msg.member().uniqueAddress());
    if (since != null && downed.add(msg.member().uniqueAddress())) {
      scheduleReap(msg.member(), since, "downed");
    }
    return this;
  }

  private Behavior<Command> onMemberRemoved(MemberRemoved msg) {
    Long since = unreachableSince.remove(msg.member().uniqueAddress());
    if (!downed.remove(msg.member().uniqueAddress())) {
      scheduleReap(msg.member(), since, "removed from the cluster");
    }
    return this;
  }

  private void scheduleReap(Member member, Long unreachable, String how) {
    if (member.hasRole(Roles.HANDLER)) {
      Roles.serverName(member.getRoles()).ifPresent(name -> {
        Duration delay = timing.delayAfterRemoval(System.nanoTime(), Optional.ofNullable(unreachable));
        getContext().getLog().info("handler {} was {}; its jobs are requeued in {} ms unless it is back by then",
            name, how, delay.toMillis());
        timers.startSingleTimer("reap-" + name, new Reap(name), delay);
      });
    }
  }

  private Behavior<Command> onReap(Reap msg) {
    if (isMember(msg.serverName())) {
      leaseWaits.remove(msg.serverName());
      getContext().getLog().info("handler {} is a member again; it recovers its own jobs", msg.serverName());
      return this;
    }
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> leases.remaining(msg.serverName()), blocking),
        (remaining, failure) -> new LeaseRead(msg.serverName(), remaining, failure));
    return this;
  }

  private Behavior<Command> onLeaseRead(LeaseRead msg) {
    String name = msg.serverName();
    if (msg.failure() != null) {
      getContext().getLog().warn("reading the lease of {} failed ({}); reconciliation retries", name, msg.failure().toString());
      return this;
    }
    if (isMember(name)) {
      leaseWaits.remove(name);
      return this;
    }
    if (!msg.remaining().isZero()) {
      int waits = leaseWaits.merge(name, 1, Integer::sum);
      if (waits > MAX_LEASE_WAITS) {
        leaseWaits.remove(name);
        getContext().getLog().warn("handler {} is not a member of this cluster but keeps renewing its lease: it runs in "
            + "another cluster on this database; its jobs stay with it (reconciliation checks again)", name);
      } else {
        getContext().getLog().info("handler {} holds a lease for {} ms more; its jobs are requeued once it has expired",
            name, msg.remaining().toMillis());
        timers.startSingleTimer("reap-" + name, new Reap(name), msg.remaining().plusMillis(100));
      }
      return this;
    }
    leaseWaits.remove(name);
    return requeue(name);
  }

  private Behavior<Command> requeue(String serverName) {
    String reason = "handler " + serverName + " left the cluster";
    getContext().pipeToSelf(
        CompletableFuture.supplyAsync(() -> {
          List<Job> changed = new java.util.ArrayList<>(jobs.requeueAllHeldBy(serverName, settings.maxAttempts(), reason));
          // New jobs preset to it (db-preassign, db-self, mem-self) go to live handlers instead.
          changed.addAll(jobs.releasePreset(serverName, reason + "; reassigned"));
          return changed;
        }, blocking),
        (done, failure) -> new Reaped(serverName, done == null ? List.of() : done, failure));
    return this;
  }

  private Behavior<Command> onReaped(Reaped msg) {
    if (msg.failure() != null) {
      getContext().getLog().warn("requeueing jobs of {} failed ({}); reconciliation retries", msg.serverName(), msg.failure().toString());
      return this;
    }
    if (msg.jobs().isEmpty()) {
      return this;
    }
    Map<String, Long> newPerPool = msg.jobs().stream().filter(j -> j.state() == JobState.NEW && j.handler() == null)
        .collect(Collectors.groupingBy(Job::pool, Collectors.counting()));
    long failed = msg.jobs().stream().filter(j -> j.state() == JobState.ERROR).count();
    getContext().getLog().info("requeued {} job(s) of handler {}; {} used their last attempt",
        newPerPool.values().stream().mapToLong(Long::longValue).sum(), msg.serverName(), failed);
    newPerPool.forEach((pool, n) -> PoolDispatcher.of(getContext().getSystem(), pool).tell(new JobsSubmitted(n.intValue())));
    return this;
  }

  private Behavior<Command> onReconcileTick() {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
          leases.purgeOlderThan(Duration.ofDays(1));
          return jobs.handlersHoldingJobs();
        }, blocking),
        (names, failure) -> new Holding(failure == null ? names : List.of()));
    return this;
  }

  private Behavior<Command> onHolding(Holding msg) {
    Set<String> absent = new HashSet<>();
    for (String name : msg.handlers()) {
      if (!isMember(name)) {
        absent.add(name);
      }
    }
    ReapTiming.Result result = timing.reconcile(System.nanoTime(), absent);
    timing = result.timing();
    result.due().forEach(name -> getContext().getSelf().tell(new Reap(name)));
    return this;
  }

  /** A member that is not down or removed carries the name; unreachable members count. */
  private boolean isMember(String serverName) {
    for (Member m : cluster.state().getMembers()) {
      MemberStatus s = m.status();
      if (s != MemberStatus.down() && s != MemberStatus.removed() && m.hasRole(Roles.ofServer(serverName))) {
        return true;
      }
    }
    return false;
  }
}
