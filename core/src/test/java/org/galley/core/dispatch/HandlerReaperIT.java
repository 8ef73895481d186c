package org.galley.core.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Leave;
import org.galley.core.cluster.NodeLeases;
import org.galley.core.db.Database;
import org.galley.core.job.ClaimRequest;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.NewJob;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.JobLimits;
import org.galley.core.settings.JobsSettings;
import org.galley.core.testing.TestDatabase;
import org.galley.protocol.JobState;
import org.galley.protocol.Roles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reaper in a real two-member cluster: the new jobs preset to a static handler that leaves the
 * cluster, or that never joined, are released to the pool's other static handlers (db-preassign)
 * or to the cluster method (db-self), unlike Galaxy, where they would wait forever. A handler that
 * is no member but renews its lease (alive in another cluster) keeps its jobs until it stops.
 */
class HandlerReaperIT {
  static final Duration DEADLINE = Duration.ofSeconds(30);
  static Database db;
  static JobStore store;
  static NodeLeases leases;
  static ActorTestKit web;
  static ActorTestKit handler;

  static Config node(String... roles) {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        """).withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(roles)))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.url", ConfigValueFactory.fromAnyRef(db.url()))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.user", ConfigValueFactory.fromAnyRef("postgres"))
        .withFallback(org.galley.core.cluster.ClusterConfig.pekkoDefaults())
        .withFallback(ConfigFactory.load()).resolve();
  }

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh();
    store = new JobStore(db.dataSource());
    leases = new NodeLeases(db.dataSource(), Duration.ofSeconds(1));
    web = ActorTestKit.create("galley", node(Roles.WEB, Roles.ofServer("web-1")));
    handler = ActorTestKit.create("galley", node(Roles.HANDLER, Roles.ofServer("s1")));
    Cluster.get(web.system()).manager().tell(new Join(Cluster.get(web.system()).selfMember().address()));
    Cluster.get(handler.system()).manager().tell(new Join(Cluster.get(web.system()).selfMember().address()));
    within(() -> assertEquals(2, Cluster.get(web.system()).state().members().size()));
    JobsSettings settings = new JobsSettings(List.of(AssignMethod.DB_PREASSIGN), 3, Duration.ofSeconds(2),
        Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofSeconds(1),
        Optional.empty(), Optional.empty());
    // The reaper tells the pools' dispatchers about requeued jobs, as in a real node.
    PoolDispatcher.initSharding(web.system(), store, Duration.ofSeconds(2));
    PoolDispatcher.initSharding(handler.system(), store, Duration.ofSeconds(2));
    web.spawn(HandlerReaper.create(store, settings, leases), "reaper");
  }

  @AfterAll
  static void stop() throws Exception {
    ActorTestKit.shutdown(handler.system(), Duration.ofSeconds(30), false);
    ActorTestKit.shutdown(web.system(), Duration.ofSeconds(30), false);
    db.close();
  }

  static Job preset(String handlerName, AssignMethod method, String pool) {
    return store.insert(new NewJob("alice", "noop", "1.0", Map.of(), pool, method, handlerName));
  }

  @Test
  void newJobsOfAStaticHandlerThatLeftAreReassigned() throws Exception {
    Job pre = preset("s1", AssignMethod.DB_PREASSIGN, "left");
    Job self = preset("s1", AssignMethod.DB_SELF, "left");
    Cluster.get(handler.system()).manager().tell(new Leave(Cluster.get(handler.system()).selfMember().address()));
    within(() -> assertNull(store.find(pre.id()).orElseThrow().handler()));
    within(() -> assertNull(store.find(self.id()).orElseThrow().handler()));
    assertEquals("cluster", assignWith(self.id()));
    // Another static handler of the pool takes it now.
    assertEquals(List.of(pre.id()), store.claim(new ClaimRequest("s2", AssignMethod.DB_PREASSIGN, List.of("left"), true, 10,
        JobLimits.NONE)).stream().map(Job::id).toList());
  }

  @Test
  void newJobsPresetToAHandlerThatNeverJoinedAreReleasedAfterTheGrace() {
    Job ghost = preset("ghost", AssignMethod.DB_PREASSIGN, "default");
    within(() -> assertNull(store.find(ghost.id()).orElseThrow().handler()));
  }

  @Test
  void aHandlerOutsideThisClusterKeepsItsJobsWhileItRenewsItsLease() {
    leases.renew("127.0.0.1:1", 1, "elsewhere", Set.of(Roles.HANDLER, Roles.ofServer("elsewhere")));
    Job alive = claimedBy("elsewhere");
    Job gone = claimedBy("gone");
    ScheduledExecutorService renewing = Executors.newSingleThreadScheduledExecutor();
    renewing.scheduleWithFixedDelay(() -> leases.renew("127.0.0.1:1", 1, "elsewhere", Set.of(Roles.HANDLER)),
        0, 200, TimeUnit.MILLISECONDS);
    try {
      // Both were absent from the members as long; the one without a lease is requeued...
      within(() -> assertEquals(JobState.NEW, store.find(gone.id()).orElseThrow().state()));
      // ...and, a whole reconciliation later (another lease-less one requeued), still not the one
      // renewing its lease: the reaper waited for it to expire and found it renewed.
      Job later = claimedBy("gone-later");
      within(() -> assertEquals(JobState.NEW, store.find(later.id()).orElseThrow().state()));
      Job kept = store.find(alive.id()).orElseThrow();
      assertEquals(JobState.QUEUED, kept.state());
      assertEquals("elsewhere", kept.handler());
    } finally {
      renewing.shutdownNow();
    }
    // Once it stops renewing, its lease expires and its jobs run again.
    within(() -> assertEquals(JobState.NEW, store.find(alive.id()).orElseThrow().state()));
    assertEquals(2, store.find(alive.id()).orElseThrow().attempt());
  }

  static Job claimedBy(String handlerName) {
    Job job = store.insert(new NewJob("alice", "noop", "1.0", Map.of(), "lease-" + handlerName, AssignMethod.DB_SKIP_LOCKED, null));
    assertEquals(List.of(job.id()), store.claim(new ClaimRequest(handlerName, AssignMethod.DB_SKIP_LOCKED,
        List.of("lease-" + handlerName), true, 10, JobLimits.NONE)).stream().map(Job::id).toList());
    return job;
  }

  static String assignWith(long id) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT assign_with FROM job WHERE id = " + id)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static void within(Runnable assertion) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }
}
