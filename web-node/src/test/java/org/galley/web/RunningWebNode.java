package org.galley.web;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.galley.core.db.Database;
import org.galley.core.job.JobStore;
import org.galley.core.settings.NodeSettings;
import org.galley.core.testing.TestDatabase;
import org.galley.core.tools.ToolRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A web node as Main starts it, on a fresh database of its own and a free port, with the sample
 * tools and a recording stand-in for the cluster. Test classes extend it and talk HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunningWebNode {
  static final String ADMIN_KEY = "admin-key-for-tests";

  Config config;
  Database db;
  JobStore jobs;
  ToolRegistry tools;
  HttpApiFixture.RecordingEvents events;
  ActorTestKit testKit;
  ServerBinding binding;
  HttpApiFixture api;
  Path varDir;

  @BeforeAll
  void startWebNode() throws Exception {
    config = ConfigFactory.parseString("""
        pekko.actor.provider = local
        galley.http.port = 0
        galley.roles = web
        """).withFallback(ConfigFactory.load()).resolve();
    db = TestDatabase.fresh();
    jobs = new JobStore(db.dataSource());
    tools = ToolRegistry.fromConfig(config);
    events = new HttpApiFixture.RecordingEvents();
    testKit = ActorTestKit.create(getClass().getSimpleName(), config);
    varDir = Files.createTempDirectory(Path.of("target"), "web-var-").toAbsolutePath();
    NodeSettings node = new NodeSettings(Set.of("web"), Set.of("default"), "web-test", varDir);
    binding = WebNode.start(testKit.system(), WebSettings.fromConfig(config), node, db.dataSource(), jobs, tools,
        events, ADMIN_KEY).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    api = new HttpApiFixture("http://127.0.0.1:" + binding.localAddress().getPort(), db.dataSource());
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
