package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.admin.DrainRegistry;
import org.galley.core.cluster.FastStop;
import org.galley.core.job.Job;
import org.galley.core.job.NewJob;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.JobLimits;
import org.galley.core.settings.NodeSettings;
import org.galley.core.settings.StaticHandlers;
import org.galley.core.tools.ToolRegistry;
import org.galley.handler.local.LocalRunner;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.JobsClaimable;
import org.galley.protocol.JobState;
import org.galley.protocol.Roles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handlers that claim from the table by themselves (the db-* methods), in one JVM on a shared
 * database with the noop runner: three of them run thousands of jobs, each exactly once; a hint
 * starts a job long before the poll would; one user's backlog does not starve another.
 */
class TablePollIT extends HandlerFixture {
  static final Duration DEADLINE = Duration.ofSeconds(90);
  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void stopHandlers() {
    kits.forEach(k -> {
      org.apache.pekko.actor.CoordinatedShutdown.get(k.system()).runAll(FastStop.INSTANCE);
      k.shutdownTestKit();
    });
  }

  /** Starts a handler of {@code pool} that polls for {@code method}; returns its hint topic. */
  ActorRef<Topic.Command<JobsClaimable>> startHandler(String name, String pool, AssignMethod method, Duration pollInterval,
      int workers, StaticHandlers statics) {
    return startHandler(name, pool, method, pollInterval, workers, statics, Optional.empty(), Optional.empty());
  }

  /** A tool that writes 200 kB into its directory, then waits. */
  static final ToolRegistry TOOLS = ToolRegistry.fromConfig(ConfigFactory.parseString("""
      galley.tools.list += { id = fill, version = "1.0", description = "writes 200 kB, then waits",
        argv = ["sh", "-c", "head -c 200000 /dev/zero > big; sleep 100"], parameters = [] }
      """).withFallback(HandlerHarness.CONFIG).resolve());

  ActorRef<Topic.Command<JobsClaimable>> startHandler(String name, String pool, AssignMethod method, Duration pollInterval,
      int workers, StaticHandlers statics, Optional<Duration> walltime, Optional<Long> outputSize) {
    ActorTestKit kit = ActorTestKit.create(name, HandlerHarness.CONFIG);
    kits.add(kit);
    var cancels = kit.spawn(Topic.create(CancelJob.class, "galley-cancels"));
    var drains = kit.spawn(Topic.create(DrainRegistry.Drains.class, DrainRegistry.TOPIC));
    var hints = kit.spawn(Topic.create(JobsClaimable.class, "job-hints"));
    ActorRef<DrainRegistry.Command> registry = kit.spawn(Behaviors.receive(DrainRegistry.Command.class)
        .onMessage(DrainRegistry.GetDrains.class, m -> {
          m.replyTo().tell(new DrainRegistry.Drains(Set.of()));
          return Behaviors.same();
        }).build());
    Path dir = varDir.resolve(name);
    NodeSettings node = new NodeSettings(Set.of(Roles.HANDLER), Set.of(pool), name, dir);
    HandlerSettings settings = new HandlerSettings(workers, dir.resolve("jobs"), Duration.ofMillis(300), Duration.ofMillis(300),
        Duration.ofSeconds(5), Duration.ofSeconds(8), LocalRunner.ProcessLauncher.PERL);
    Claiming claiming = new Claiming(List.of(method), statics, JobLimits.NONE, walltime, outputSize, pollInterval, 100, hints, 3);
    HandlerNode.start(kit.system(), node, settings, store, TOOLS, p -> kit.<org.galley.protocol.DispatchProtocol.DispatcherCommand>createTestProbe().ref(),
        cancels, drains, registry, claiming);
    return hints;
  }

  static List<Job> insert(int n, String owner, String pool, AssignMethod method, String preset) {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(new NewJob(owner, "noop", "1.0", Map.of(), pool, method, preset));
    }
    List<Job> out = new ArrayList<>();
    for (int from = 0; from < n; from += 1000) {
      out.addAll(store.insertAll(jobs.subList(from, Math.min(n, from + 1000))));
    }
    return out;
  }

  /** db-skip-locked only here; every method's claim is run by three claimers at once in core's JobClaimsIT. */
  @Test
  void threeHandlersPollingTheTableRunEveryJobExactlyOnce() throws SQLException {
    AssignMethod method = AssignMethod.DB_SKIP_LOCKED;
    String pool = "shared-" + method.configName();
    for (String h : List.of("h1", "h2", "h3")) {
      startHandler(h + "-" + method.configName(), pool, method, Duration.ofMillis(200), 8, StaticHandlers.NONE);
    }
    long t0 = System.nanoTime();
    List<Job> jobs = insert(5_000, "alice", pool, method, null);
    Eventually.within(DEADLINE, () -> assertEquals(5_000, count(
        "SELECT count(*) FROM job WHERE state = 'ok' AND pool = '" + pool + "'")));
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s: 5000 noop jobs by 3 handlers in %.1f s (%.0f jobs/s)%n", method.configName(), seconds, 5000 / seconds);
    String range = " job_id BETWEEN " + jobs.get(0).id() + " AND " + jobs.get(jobs.size() - 1).id();
    assertEquals(0, count("SELECT count(*) FROM (SELECT job_id FROM job_history WHERE" + range
        + " AND state IN ('queued', 'running') GROUP BY job_id, attempt, state HAVING count(*) > 1) d"));
    assertEquals(5_000, count("SELECT count(*) FROM job_history WHERE" + range + " AND state = 'running'"));
    assertEquals(5_000, count("SELECT count(*) FROM job_history WHERE" + range + " AND state = 'ok'"));
    assertTrue(count("SELECT count(DISTINCT handler) FROM job WHERE pool = '" + pool + "'") >= 2, "load spread over handlers");
  }

  @Test
  void aHintStartsAJobLongBeforeThePollWould() {
    ActorRef<Topic.Command<JobsClaimable>> hints = startHandler("hinted", "hinted", AssignMethod.DB_SKIP_LOCKED,
        Duration.ofSeconds(60), 2, StaticHandlers.NONE);
    // The first poll at start finds nothing; from then on only a hint wakes the handler early.
    Eventually.within(DEADLINE, () -> assertEquals(0, count("SELECT count(*) FROM job WHERE pool = 'hinted'")));
    Job job = insert(1, "alice", "hinted", AssignMethod.DB_SKIP_LOCKED, null).get(0);
    hints.tell(Topic.publish(new JobsClaimable("hinted")));
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals(JobState.OK, store.find(job.id()).orElseThrow().state()));
  }

  @Test
  void preassignedJobsRunOnlyOnTheirHandler() {
    StaticHandlers statics = new StaticHandlers(Map.of("s1", Set.of("static"), "s2", Set.of("static")));
    startHandler("s1", "static", AssignMethod.DB_PREASSIGN, Duration.ofMillis(200), 4, statics);
    startHandler("s2", "static", AssignMethod.DB_PREASSIGN, Duration.ofMillis(200), 4, statics);
    List<Job> toS1 = insert(50, "alice", "static", AssignMethod.DB_PREASSIGN, "s1");
    List<Job> toS2 = insert(50, "alice", "static", AssignMethod.DB_PREASSIGN, "s2");
    Eventually.within(DEADLINE, () -> assertEquals(100, count("SELECT count(*) FROM job WHERE state = 'ok' AND pool = 'static'")));
    toS1.forEach(j -> assertEquals("s1", store.find(j.id()).orElseThrow().handler()));
    toS2.forEach(j -> assertEquals("s2", store.find(j.id()).orElseThrow().handler()));
  }

  @Test
  void oneUsersBacklogDoesNotStarveAnother() {
    startHandler("fair", "fair", AssignMethod.DB_SKIP_LOCKED, Duration.ofMillis(200), 4, StaticHandlers.NONE);
    insert(5_000, "anna", "fair", AssignMethod.DB_SKIP_LOCKED, null);
    long bensAt = count("SELECT count(*) FROM job WHERE owner = 'anna' AND start_time IS NOT NULL");
    insert(10, "ben", "fair", AssignMethod.DB_SKIP_LOCKED, null);
    Eventually.within(DEADLINE, () -> assertEquals(10, count("SELECT count(*) FROM job WHERE owner = 'ben' AND state = 'ok'")));
    // Bound: while ben's 10 jobs start, at most 40 of anna's start (claims take turns per owner,
    // 4 workers); her backlog is far from done.
    long annaMeanwhile = count("SELECT count(*) FROM job WHERE owner = 'anna' AND start_time IS NOT NULL")
        - bensAt;
    long annaBeforeBen = count("SELECT count(*) FROM job WHERE owner = 'anna' AND start_time IS NOT NULL "
        + "AND start_time <= (SELECT max(start_time) FROM job WHERE owner = 'ben')");
    assertTrue(annaBeforeBen - bensAt <= 40, "anna's jobs started while ben's waited: " + (annaBeforeBen - bensAt)
        + " (" + annaMeanwhile + " by the time ben's ended)");
    assertTrue(count("SELECT count(*) FROM job WHERE owner = 'anna' AND state = 'new'") > 0, "anna's backlog was not done first");
  }

  @Test
  void aJobWhoseDirectoryOutgrowsTheOutputSizeLimitIsKilledAndSaysSo() {
    startHandler("sized", "sized", AssignMethod.DB_SKIP_LOCKED, Duration.ofMillis(200), 2, StaticHandlers.NONE,
        Optional.empty(), Optional.of(100_000L));
    long id = store.insert(new NewJob("alice", "fill", "1.0", Map.of(), "sized", AssignMethod.DB_SKIP_LOCKED, null)).id();
    Eventually.within(Duration.ofSeconds(20), () -> assertEquals(JobState.ERROR, store.find(id).orElseThrow().state()));
    assertTrue(store.find(id).orElseThrow().info().contains("output size limit"), store.find(id).orElseThrow().info());
  }

  @Test
  void theDefaultWalltimeKillsJobsOfToolsWithoutOne() {
    startHandler("timed", "timed", AssignMethod.DB_SKIP_LOCKED, Duration.ofMillis(200), 2, StaticHandlers.NONE,
        Optional.of(Duration.ofSeconds(1)), Optional.empty());
    long id = store.insert(new NewJob("alice", "gate", "1.0", Map.of(), "timed", AssignMethod.DB_SKIP_LOCKED, null)).id();
    Eventually.within(Duration.ofSeconds(20), () -> assertEquals(JobState.ERROR, store.find(id).orElseThrow().state()));
    assertTrue(store.find(id).orElseThrow().info().contains("walltime of 1 s exceeded"), store.find(id).orElseThrow().info());
  }

  static long count(String sql) {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
