package org.galley.web;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.galley.core.admin.DrainRegistry;
import org.galley.core.admin.DrainRegistry.Drains;
import org.galley.core.admin.HandlerDirectory;
import org.galley.core.db.Database;
import org.galley.core.job.JobStore;
import org.galley.core.settings.NodeSettings;
import org.galley.core.testing.TestDatabase;
import org.galley.core.tools.ToolRegistry;
import org.galley.protocol.DispatchProtocol.HandlerDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A web node as Main starts it, on a fresh database of its own and a free port, with the sample
 * tools and a recording stand-in for the cluster. Beside it, in the same local actor system, a real
 * drain registry on the database's Persistence JDBC journal and two fake handlers registered with
 * the receptionist as real ones are. Test classes extend it and talk HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunningWebNode {
  static final String ADMIN_KEY = "admin-key-for-tests";
  /** Short, so that the tests of asks that time out stay fast. */
  static final Duration HANDLER_TIMEOUT = Duration.ofSeconds(1);
  static final HandlerDescription HANDLER_A = new HandlerDescription("handler-a", "pekko://galley@10.0.0.1:2552",
      List.of("default"), 4, 1, 3, false, Instant.parse("2024-05-01T12:00:00Z").toEpochMilli());
  static final HandlerDescription HANDLER_B = new HandlerDescription("handler-b", "pekko://galley@10.0.0.2:2552",
      List.of("big", "default"), 2, 2, 0, false, Instant.parse("2024-05-02T08:30:00.250Z").toEpochMilli());

  Config config;
  Database db;
  JobStore jobs;
  ToolRegistry tools;
  HttpApiFixture.RecordingEvents events;
  ActorTestKit testKit;
  ActorRef<DrainRegistry.Command> drainRegistry;
  /** Follows the drains topic, as handlers do. */
  TestProbe<Drains> drainsPublished;
  HandlerDirectory handlers;
  FakeHandlers fakeHandlers;
  FakeHandlers.FakeHandler handlerA;
  FakeHandlers.FakeHandler handlerB;
  ServerBinding binding;
  HttpApiFixture api;
  Path varDir;

  /** Configuration a test class adds (tools, assignment methods); none by default. */
  String extraConfig() {
    return "";
  }

  /** TLS, trusted proxies and rate limits of this web node; none by default. */
  org.galley.web.edge.EdgeSettings edge() {
    return org.galley.web.edge.EdgeSettings.NONE;
  }

  /** The HTTP client of {@link #api}: one trusting a test certificate, for TLS tests. */
  java.net.http.HttpClient.Builder client() {
    return java.net.http.HttpClient.newBuilder();
  }

  /** How this web node assigns jobs; the cluster method by default. */
  org.galley.core.dispatch.Assignment assignment(NodeSettings node) {
    return org.galley.core.dispatch.Assignment.clusterOnly(node);
  }

  @BeforeAll
  void startWebNode() throws Exception {
    db = TestDatabase.fresh();
    // The journal is the test database's own (its V2 migration made the tables), as in a real node.
    config = ConfigFactory.parseString(extraConfig()).withFallback(ConfigFactory.parseString("""
        pekko.actor.provider = local
        galley.http.port = 0
        galley.roles = web
        """))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.url", ConfigValueFactory.fromAnyRef(db.url()))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.user", ConfigValueFactory.fromAnyRef(db.user()))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.password",
            ConfigValueFactory.fromAnyRef(db.password()))
        .withFallback(org.galley.core.cluster.ClusterConfig.pekkoDefaults())
        .withFallback(ConfigFactory.load()).resolve();
    jobs = new JobStore(db.dataSource());
    tools = ToolRegistry.fromConfig(config);
    events = new HttpApiFixture.RecordingEvents();
    testKit = ActorTestKit.create(getClass().getSimpleName(), config);
    drainRegistry = startDrainRegistry();
    handlers = new HandlerDirectory(testKit.system(), drainRegistry, HANDLER_TIMEOUT);
    fakeHandlers = new FakeHandlers(testKit);
    // Registered out of order: the API sorts.
    handlerB = fakeHandlers.describing(HANDLER_B);
    handlerA = fakeHandlers.describing(HANDLER_A);
    varDir = Files.createTempDirectory(Path.of("target"), "web-var-").toAbsolutePath();
    binding = startAnother();
    api = new HttpApiFixture((edge().tls().enabled() ? "https" : "http") + "://127.0.0.1:"
        + binding.localAddress().getPort(), db.dataSource(), client());
  }

  /** Another web node on the same database, actor system and settings, on a free port; stopped with the system. */
  ServerBinding startAnother() throws Exception {
    return startAnother(edge());
  }

  /** As above, with other edge settings. */
  ServerBinding startAnother(org.galley.web.edge.EdgeSettings edge) throws Exception {
    NodeSettings node = new NodeSettings(Set.of("web"), Set.of("default"), "web-test", varDir);
    return WebNode.start(testKit.system(), WebSettings.fromConfig(config), edge, node, db.dataSource(), jobs, tools,
        events, ADMIN_KEY, "", handlers, assignment(node)).toCompletableFuture()
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * Spawns the registry and waits until it has recovered from the journal: the first recovery
   * starts the Slick pool, which may take longer than the short timeout the API's asks use.
   */
  private ActorRef<DrainRegistry.Command> startDrainRegistry() {
    ActorRef<Topic.Command<Drains>> topic = testKit.spawn(Topic.create(Drains.class, DrainRegistry.TOPIC));
    // Subscribed before the registry exists, so it hears every publication.
    drainsPublished = testKit.createTestProbe();
    topic.tell(Topic.subscribe(drainsPublished.ref()));
    ActorRef<DrainRegistry.Command> registry = testKit.spawn(DrainRegistry.create(topic, Clock.systemUTC()),
        "drain-registry");
    TestProbe<Drains> probe = testKit.createTestProbe();
    registry.tell(new DrainRegistry.GetDrains(probe.ref()));
    probe.expectMessageClass(Drains.class, Duration.ofSeconds(30));
    return registry;
  }

  @AfterAll
  void stopWebNode() throws Exception {
    if (binding != null) {
      binding.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    if (db != null) {
      db.close();
    }
  }
}
