package org.galley.ops.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.galley.ops.cli.config.ProcessSpec.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config file becomes the processes it names: names, ports, seeds and properties. */
class ProcessSetTest {
  @TempDir
  Path dir;

  ProcessSet load(String text) throws Exception {
    Path f = dir.resolve("galley.conf");
    Files.writeString(f, text);
    return ProcessSet.load(f);
  }

  @Test
  void defaultsAreADatabaseTwoWebNodesOnOnePortAndTwoHandlers() throws Exception {
    ProcessSet set = load("");
    assertEquals(List.of("db", "web_0", "web_1", "handler_0", "handler_1"),
        set.processes().stream().map(ProcessSpec::name).toList());
    assertEquals(dir.resolve("var"), set.stateDir());
    assertEquals(dir.resolve("var/logs"), set.logDir());
    ProcessSpec web1 = set.process("web_1");
    assertEquals(8080, web1.httpPort());
    assertEquals("true", web1.properties().get("galley.http.reuse-port"));
    assertEquals(7356, web1.clusterPort());
    assertEquals(8559, web1.managementPort());
    assertEquals("127.0.0.1:7355,127.0.0.1:7356", web1.properties().get("galley.cluster.seed-nodes"));
    ProcessSpec h1 = set.process("handler_1");
    assertEquals("handler", h1.properties().get("galley.roles"));
    assertEquals("jdbc:postgresql://127.0.0.1:15432/postgres", h1.properties().get("galley.db.url"));
    assertEquals(dir.resolve("var/nodes/handler_1").toString(), h1.properties().get("galley.var-dir"));
    assertEquals(8659, h1.managementPort());
    assertEquals("http://127.0.0.1:8080", set.publicUrl());
  }

  @Test
  void groupsTemplatesPoolsAndPropertiesReachTheCommandLine() throws Exception {
    ProcessSet set = load("""
        database.url = "jdbc:postgresql://db.example:5432/galley"
        dist = "releases/1.1/lib"
        web { processes = 1, reuse-port = false, http-port = 9000 }
        properties { "galley.tools.dir" = "/srv/tools", galley.jobs.max-attempts = 5 }
        handlers {
          big { processes = 2, pools = [big, default], workers = 16, name-template = "{name}-h{process}" }
          small { properties { galley.handler.shutdown-grace = 5s } }
        }
        """);
    assertEquals(List.of("web_0", "big-h0", "big-h1", "small_0"), set.processes().stream().map(ProcessSpec::name).toList());
    assertTrue(set.processes().stream().noneMatch(p -> p.kind() == Kind.DB), "an external database is not run");
    ProcessSpec big1 = set.process("big-h1");
    List<String> cmd = big1.command(set);
    assertTrue(cmd.contains("-Dgalley.pools=big,default"), cmd.toString());
    assertTrue(cmd.contains("-Dgalley.handler.workers=16"), cmd.toString());
    assertTrue(cmd.contains("-Dgalley.tools.dir=/srv/tools"), cmd.toString());
    assertTrue(cmd.contains("-Dgalley.jobs.max-attempts=5"), cmd.toString());
    assertTrue(cmd.contains("-Dgalley.db.url=jdbc:postgresql://db.example:5432/galley"), cmd.toString());
    assertTrue(cmd.contains(ProcessSpec.MARKER + "big-h1"), cmd.toString());
    assertEquals("org.galley.ops.Main", cmd.get(cmd.size() - 1));
    assertEquals(dir.resolve("releases/1.1/lib/*").toString(), cmd.get(cmd.size() - 2));
    assertEquals("5s", set.process("small_0").properties().get("galley.handler.shutdown-grace"));
    assertEquals("false", set.process("web_0").properties().get("galley.http.reuse-port"));
    // One web node alone would found a new cluster when it restarts: the first handler is a second seed.
    assertEquals("127.0.0.1:7355,127.0.0.1:7455", big1.properties().get("galley.cluster.seed-nodes"));
  }

  @Test
  void aMachineOfHandlersOnlyJoinsTheSeedsAndUsesTheApiElsewhere() throws Exception {
    ProcessSet set = load("""
        host = "10.0.0.7"
        database.url = "jdbc:postgresql://10.0.0.1:5432/galley"
        seed-nodes = ["10.0.0.2:7355", "10.0.0.3:7355"]
        api-url = "http://10.0.0.2:8080/"
        web.processes = 0
        handlers { big { processes = 3 } }
        """);
    assertEquals(List.of("big_0", "big_1", "big_2"), set.processes().stream().map(ProcessSpec::name).toList());
    assertEquals("10.0.0.2:7355,10.0.0.3:7355", set.process("big_2").properties().get("galley.cluster.seed-nodes"));
    assertEquals("10.0.0.7", set.process("big_2").properties().get("galley.cluster.host"));
    assertEquals("http://10.0.0.2:8080", set.publicUrl());
    assertEquals(0, load("handlers {}").processes().stream().filter(p -> p.kind() == Kind.HANDLER).count());
  }

  @Test
  void theAdminKeyIsGeneratedOnceAndGivenInTheEnvironmentOnly() throws Exception {
    ProcessSet set = load("");
    String key = set.adminKey();
    assertEquals(key, set.adminKey());
    assertEquals(key, set.environment().get("GALLEY_ADMIN_KEY"));
    assertTrue(set.processes().stream().allMatch(p -> p.command(set).stream().noneMatch(a -> a.contains(key))));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("var/admin.key"))));
  }

  @Test
  void badConfigsAreRefusedNamingTheProblem() throws Exception {
    var twice = assertThrows(IllegalArgumentException.class,
        () -> load("handlers { a { processes = 1, name-template = same }, b { name-template = same } }"));
    assertTrue(twice.getMessage().contains("two processes are named same"), twice.getMessage());
    var noWeb = assertThrows(IllegalArgumentException.class, () -> load("web.processes = 0"));
    assertTrue(noWeb.getMessage().contains("seed-nodes"), noWeb.getMessage());
    var badName = assertThrows(IllegalArgumentException.class, () -> load("web.name-template = \"w {process}\""));
    assertTrue(badName.getMessage().contains("letters, digits"), badName.getMessage());
    assertThrows(com.typesafe.config.ConfigException.class, () -> load("web.processes = many"));
  }
}
