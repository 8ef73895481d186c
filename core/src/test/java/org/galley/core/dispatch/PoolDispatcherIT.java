package org.galley.core.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.galley.core.db.Database;
import org.galley.core.job.JobStore;
import org.galley.core.job.NewJob;
import org.galley.core.testing.TestDatabase;
import org.galley.protocol.DispatchProtocol;
import org.galley.protocol.DispatchProtocol.Claim;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.JobsSubmitted;
import org.galley.protocol.DispatchProtocol.ReportCapacity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dispatcher actor against a real table, with test probes standing in as handlers. */
class PoolDispatcherIT {
  static ActorTestKit kit;
  static Database db;
  static JobStore store;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(ConfigFactory.load()));
    db = TestDatabase.fresh();
    store = new JobStore(db.dataSource());
  }

  @AfterAll
  static void stop() throws Exception {
    kit.shutdownTestKit();
    db.close();
  }

  /** A probe registered as a live handler of the pool; answers the capacity question with {@code free}. */
  static TestProbe<HandlerCommand> liveHandler(String pool, String name, int free, ActorRef<DispatcherCommand> dispatcher) {
    TestProbe<HandlerCommand> probe = kit.createTestProbe(name);
    TestProbe<Receptionist.Registered> registered = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(DispatchProtocol.handlersOf(pool), probe.ref(), registered.ref()));
    registered.expectMessageClass(Receptionist.Registered.class);
    ReportCapacity ask = probe.expectMessageClass(ReportCapacity.class);
    ask.replyTo().tell(new HandlerCapacity(probe.ref(), name, free, false));
    return probe;
  }

  static void submit(String pool) {
    store.insert(new NewJob("u", "sleep", "1.0", Map.of("seconds", 0), pool));
  }

  @Test
  void handsWorkOnlyToLiveHandlersWithFreeSlots() {
    String pool = "p-live";
    ActorRef<DispatcherCommand> d = kit.spawn(PoolDispatcher.create(pool, store, Duration.ofHours(1)));
    TestProbe<HandlerCommand> notListed = kit.createTestProbe();
    d.tell(new HandlerCapacity(notListed.ref(), "ghost", 4, false));
    submit(pool);
    d.tell(new JobsSubmitted(1));
    notListed.expectNoMessage(Duration.ofMillis(200));

    TestProbe<HandlerCommand> full = liveHandler(pool, "full", 0, d);
    TestProbe<HandlerCommand> free = liveHandler(pool, "free", 2, d);
    Claim claim = free.expectMessageClass(Claim.class);
    assertEquals(pool, claim.pool());
    assertEquals(2, claim.max());
    full.expectNoMessage(Duration.ofMillis(200));
    notListed.expectNoMessage(Duration.ZERO);
  }

  @Test
  void aDrainingHandlerGetsNoWork() {
    String pool = "p-drain";
    ActorRef<DispatcherCommand> d = kit.spawn(PoolDispatcher.create(pool, store, Duration.ofHours(1)));
    TestProbe<HandlerCommand> h = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(DispatchProtocol.handlersOf(pool), h.ref()));
    h.expectMessageClass(ReportCapacity.class).replyTo().tell(new HandlerCapacity(h.ref(), "h", 3, true));
    d.tell(new JobsSubmitted(1));
    h.expectNoMessage(Duration.ofMillis(300));
    d.tell(new HandlerCapacity(h.ref(), "h", 3, false));
    h.expectMessageClass(Claim.class);
  }

  @Test
  void stopsClaimingWhenTheTableIsDryAndTheSweepRestartsIt() {
    String pool = "p-sweep";
    ActorRef<DispatcherCommand> d = kit.spawn(PoolDispatcher.create(pool, store, Duration.ofMillis(300)));
    TestProbe<HandlerCommand> h = liveHandler(pool, "h", 2, d);
    Claim first = h.expectMessageClass(Claim.class);
    first.replyTo().tell(new ClaimDone(h.ref(), first.ticket(), 2, 0, 2));
    h.expectNoMessage(Duration.ofMillis(500));

    // A job committed without any notification, as if the web node's message were lost.
    submit(pool);
    Claim afterSweep = h.expectMessageClass(Claim.class, Duration.ofSeconds(5));
    assertEquals(2, afterSweep.max());
  }

  @Test
  void forgetsAHandlerThatLeavesTheCluster() {
    String pool = "p-leave";
    ActorRef<DispatcherCommand> d = kit.spawn(PoolDispatcher.create(pool, store, Duration.ofHours(1)));
    TestProbe<HandlerCommand> h = liveHandler(pool, "h", 1, d);
    Claim claim = h.expectMessageClass(Claim.class);
    claim.replyTo().tell(new ClaimDone(h.ref(), claim.ticket(), 1, 0, 1));
    kit.system().receptionist().tell(Receptionist.deregister(DispatchProtocol.handlersOf(pool), h.ref()));
    TestProbe<HandlerCommand> other = liveHandler(pool, "other", 1, d);
    d.tell(new JobsSubmitted(1));
    other.expectMessageClass(Claim.class);
    h.expectNoMessage(Duration.ofMillis(300));
  }
}
