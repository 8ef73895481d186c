package org.galley.core.destinations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.galley.core.destinations.ResubmitRule.Condition;
import org.galley.core.tools.Tool;
import org.junit.jupiter.api.Test;

/** Reading {@code galley.destinations}: defaults, selection for a tool and pool, clamping and each check. */
class DestinationsTest {

  private static final String SMALL_AND_BIG = """
      galley.destinations {
        small { runner = slurm, partition = short, max-cores = 4, max-mem = 1g, max-walltime = 4h,
                jobs-dir = "/shared/jobs", resubmit = [ { condition = memory, destination = big } ] }
        big { runner = slurm, max-mem = 8g }
      }
      galley.pool-destinations { cluster = small }
      """;

  @Test
  void withoutSettingsThereAreLocalAndNoopAndLocalIsTheDefault() {
    Destinations d = Destinations.fromConfig(ConfigFactory.load());

    assertEquals(List.of("local", "noop"), List.copyOf(d.all().keySet()));
    assertEquals(Destination.plain("local", "local"), d.require("local"));
    assertEquals("noop", d.require("noop").runner());
    assertEquals("local", d.forPool("anything").name());
    assertEquals(Optional.empty(), d.find("small"));
    assertEquals(d, Destinations.implicit());
  }

  @Test
  void readsEveryKeyOfADestination() {
    Destinations d = read("""
        galley.destinations.small { runner = slurm, partition = short, native-specification = "--qos=low -A lab",
          env { TMPDIR = /scratch, THREADS = 4 }, max-cores = 4, max-mem = 1536m, max-walltime = 2h,
          jobs-dir = "/shared/jobs", resubmit = [
            { condition = memory, destination = big, delay = 30s }, { condition = failure, destination = small } ] }
        galley.destinations.big { runner = slurm }
        """);

    assertEquals(new Destination("small", "slurm", Optional.of("short"), "--qos=low -A lab",
            Map.of("TMPDIR", "/scratch", "THREADS", "4"), OptionalInt.of(4), OptionalLong.of(1536),
            Optional.of(Duration.ofHours(2)), Optional.of(Path.of("/shared/jobs")),
            List.of(new ResubmitRule(Condition.MEMORY, "big", Duration.ofSeconds(30)),
                new ResubmitRule(Condition.FAILURE, "small", Duration.ZERO))),
        d.require("small"));
  }

  @Test
  void aSlurmDestinationWithoutJobsDirUsesTheVarDirAbsolute() {
    Destinations d = read("galley.var-dir = state\ngalley.destinations.s { runner = slurm }");

    assertEquals(Optional.of(Path.of("state", "slurm-jobs").toAbsolutePath()), d.require("s").jobsDir());
    assertEquals(Optional.of(Path.of("rel").toAbsolutePath()),
        read("galley.destinations.s { runner = slurm, jobs-dir = rel }").require("s").jobsDir());
  }

  @Test
  void theOperatorMayRedefineLocal() {
    Destinations d = read("galley.destinations.local { runner = local, max-cores = 2, env { A = b } }");

    assertEquals(OptionalInt.of(2), d.require("local").maxCores());
    assertEquals("noop", d.require("noop").runner());
  }

  @Test
  void aToolGoesToItsOwnDestinationThenNoopThenItsPoolsThenTheDefault() {
    Destinations d = read(SMALL_AND_BIG + "galley.default-destination = big");

    assertEquals("big", d.forTool(tool(Optional.of("big"), "local"), "cluster").name());
    assertEquals("noop", d.forTool(tool(Optional.empty(), "noop"), "cluster").name());
    assertEquals("small", d.forTool(tool(Optional.empty(), "local"), "cluster").name());
    assertEquals("big", d.forTool(tool(Optional.empty(), "local"), "default").name());
    assertEquals("local", read(SMALL_AND_BIG).forTool(tool(Optional.empty(), "local"), "default").name());
  }

  @Test
  void aRequestIsLoweredToTheDestinationsMaxima() {
    Destination small = read(SMALL_AND_BIG).require("small");
    Resources asked = new Resources(8, OptionalLong.of(2048), Optional.of(Duration.ofHours(5)));

    assertEquals(new Resources(4, OptionalLong.of(1024), Optional.of(Duration.ofHours(4))), asked.clampedTo(small));
    Resources modest = new Resources(2, OptionalLong.of(512), Optional.of(Duration.ofMinutes(10)));
    assertEquals(modest, modest.clampedTo(small));
    assertEquals(Resources.NONE, Resources.NONE.clampedTo(small), "what was not asked for stays unasked");
    assertEquals(asked, asked.clampedTo(Destination.plain("local", "local")));
  }

  @Test
  void theSampleFileIsValid() {
    Config sample = ConfigFactory.parseFile(Path.of("..", "galley-slurm.conf.sample").toFile());
    Destinations d = Destinations.fromConfig(sample.withFallback(ConfigFactory.load()));

    assertEquals(List.of("big", "local", "noop", "small"), List.copyOf(d.all().keySet()));
    assertEquals(OptionalLong.of(1024), d.require("small").maxMemMb());
    assertEquals(OptionalLong.of(8192), d.require("big").maxMemMb());
    assertEquals(List.of(new ResubmitRule(Condition.MEMORY, "big", Duration.ZERO)), d.require("small").resubmit());
    assertEquals("small", d.forPool("cluster").name());
  }

  @Test
  void printsOneLinePerDestination() {
    String text = read(SMALL_AND_BIG).toString();

    assertEquals(6, text.lines().count(), text);
    assertTrue(text.contains("\n  small: slurm partition=short max-cores=4 max-mem=1024MB max-walltime=PT4H"
        + " jobs-dir=/shared/jobs resubmit=[memory -> big]"), text);
    assertTrue(text.contains("pool destinations: cluster -> small"), text);
  }

  @Test
  void eachMistakeStopsTheStartNamingItsKey() {
    assertError("galley.destinations.x { runner = pbs }", "galley.destinations.x.runner", "unknown runner 'pbs'");
    assertError("galley.destinations.x { max-cores = 2 }", "galley.destinations.x.runner", "missing");
    assertError("galley.destinations.x { runner = local, max-mme = 1g }", "galley.destinations.x.max-mme",
        "unknown key");
    assertError("galley.destinations.x { runner = local, resubmit = [ { condition = memory, destination = huge } ] }",
        "galley.destinations.x.resubmit[0].destination", "no destination 'huge'");
    assertError("galley.destinations.x { runner = local, resubmit = [ { condition = oom, destination = local } ] }",
        "galley.destinations.x.resubmit[0].condition", "unknown condition 'oom'");
    assertError("galley.destinations.x { runner = local, resubmit = [ { condition = memory } ] }",
        "galley.destinations.x.resubmit[0].destination", "missing");
    assertError("galley.destinations.x { runner = local, resubmit = [ "
        + "{ condition = memory, destination = local, dealy = 1s } ] }", "resubmit[0].dealy", "unknown key");
    assertError("galley.destinations.x { runner = local, resubmit = [ "
        + "{ condition = memory, destination = local, delay = -1s } ] }", "resubmit[0].delay", ">= 0");
    assertError("galley.destinations.x { runner = local, max-cores = 0 }", "galley.destinations.x.max-cores",
        "positive");
    assertError("galley.destinations.x { runner = local, max-mem = 0 }", "galley.destinations.x.max-mem",
        "positive");
    assertError("galley.destinations.x { runner = local, max-mem = -1m }", "galley.destinations.x.max-mem",
        "negative");
    assertError("galley.destinations.x { runner = local, max-mem = 1500k }", "galley.destinations.x.max-mem",
        "whole number of megabytes");
    assertError("galley.destinations.x { runner = local, max-walltime = 0s }",
        "galley.destinations.x.max-walltime", "positive");
    assertError("galley.destinations.x { runner = local, max-cores = many }", "galley.destinations.x.max-cores");
    assertError("galley.destinations.x { runner = local, env { A.B = c } }", "galley.destinations.x.env.A");
    assertError("galley.pool-destinations { cluster = nowhere }", "galley.pool-destinations.cluster",
        "no destination 'nowhere'");
    assertError("galley.default-destination = nowhere", "galley.default-destination", "no destination 'nowhere'");
  }

  @Test
  void slurmParametersOnALocalDestinationAreRefused() {
    assertError("galley.destinations.x { runner = local, partition = short }", "galley.destinations.x.partition",
        "only for runner = slurm");
    assertError("galley.destinations.x { runner = noop, native-specification = \"-A lab\" }",
        "galley.destinations.x.native-specification", "only for runner = slurm");
    assertError("galley.destinations.x { runner = local, jobs-dir = /tmp }", "galley.destinations.x.jobs-dir",
        "only for runner = slurm");
  }

  private static Destinations read(String hocon) {
    return Destinations.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()));
  }

  private static void assertError(String hocon, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(hocon));
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
    }
  }

  private static Tool tool(Optional<String> destination, String runner) {
    return new Tool("t", "1", "", List.of("true"), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
        runner, Optional.empty(), destination, Resources.NONE);
  }
}
