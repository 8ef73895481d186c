package org.galley.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's contract with scripts: --help everywhere, and exit codes that say what happened. */
class CliTest {
  @TempDir
  Path dir;

  int run(String... args) {
    return Cli.run(args);
  }

  @Test
  void everyCommandHasHelp() {
    for (Command c : Cli.COMMANDS) {
      assertEquals(0, run(c.name(), "--help"), c.name());
      assertEquals(true, c.usage().startsWith("usage: galley " + c.name()), c.name());
    }
    assertEquals(0, run("--help"));
  }

  @Test
  void badUsageIsExit2() throws Exception {
    assertEquals(2, run());
    assertEquals(2, run("frobnicate"));
    assertEquals(2, run("stop", "--config"));
    assertEquals(2, run("exec", "--config", dir.resolve("galley.conf").toString()));
    assertEquals(2, run("status", "extra", "--config", dir.resolve("galley.conf").toString()));
    Files.writeString(dir.resolve("bad.conf"), "web.processes = -1\n");
    assertEquals(2, run("status", "--config", dir.resolve("bad.conf").toString()));
  }

  @Test
  void commandsThatNeedARunningSetSayItIsNotRunning() throws Exception {
    Path conf = dir.resolve("galley.conf");
    // Ports nobody listens on: every node is reported stopped.
    Files.writeString(conf, "web { http-port = 1, cluster-port = 2, management-port = 3 }\n"
        + "handler-ports { cluster = 5, management = 7 }\n");
    assertEquals(3, run("status", "--config", conf.toString()));
    assertEquals(3, run("graceful", "--config", conf.toString()));
    assertEquals(3, run("update", "--config", conf.toString()));
    assertEquals(0, run("stop", "--config", conf.toString()), "stopping what does not run is no error");
  }

  @Test
  void systemdWritesATemplateUnitForHandlers() throws Exception {
    Path conf = dir.resolve("galley.conf");
    Files.writeString(conf, "handlers { h { processes = 3 } }\n");
    Path units = dir.resolve("units");
    assertEquals(0, run("systemd", "--dir", units.toString(), "--config", conf.toString()));
    String handler = Files.readString(units.resolve("galley-handler@.service"));
    assertEquals(true, handler.contains(" exec %i"), handler);
    assertEquals(true, handler.contains("After=network-online.target galley-db.service galley-web@web_0.service"), handler);
    String target = Files.readString(units.resolve("galley.target"));
    assertEquals(true, target.contains("galley-handler@h_2.service"), target);
    assertEquals(true, Files.exists(units.resolve("galley-web@.service")));
  }
}
