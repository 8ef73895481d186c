package org.galley.core.tools;

import static org.galley.core.tools.ToolFixtures.config;
import static org.galley.core.tools.ToolFixtures.registryOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.galley.core.destinations.Destinations;
import org.galley.core.destinations.Resources;
import org.galley.core.tools.ToolParameter.ParameterType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading tools from {@code galley.tools}: the default samples, inline lists and a tools directory. */
class ToolRegistryTest {

  private static final String ECHO = """
      { id = echo, version = "1", argv = ["echo", "${text}"], parameters = [ { name = text, type = text } ] }
      """;

  @Test
  void loadsTheSampleToolsByDefault() {
    ToolRegistry registry = ToolRegistry.fromConfig(ConfigFactory.load());

    assertEquals(List.of("checksum", "fail", "noop", "sleep", "sort_lines", "true", "word_count"), ids(registry));
    registry.all().forEach(t -> assertFalse(t.description().isBlank(), t.id() + " has a description"));
    assertEquals(Optional.of(Duration.ofHours(2)), registry.find("sleep").orElseThrow().walltime());
  }

  @Test
  void readsEveryFieldOfAToolObject() {
    Tool tool = ToolFixtures.tool("""
        { id = "my.tool-1", version = 1.5, description = "d", argv = ["cat", "--x=${t}"], stdin = "${t}",
          pool = special, walltime = 90s,
          parameters = [
            { name = t, type = text, required = true, max-length = 5, pattern = "[a-z]+", as-file = true,
              description = "some text" }
            { name = b, type = boolean, true-value = "-r", false-value = "" }
            { name = n, type = integer, min = -3, max = 3, default = 2 }
            { name = f, type = float, min = 0, max = 0.5, default = 0.25 }
            { name = s, type = select, options = [a, b], default = b }
          ] }
        """);

    assertEquals("my.tool-1", tool.id());
    assertEquals("1.5", tool.version());
    assertEquals(List.of("cat", "--x=${t}"), tool.argv());
    assertEquals(Optional.of("${t}"), tool.stdin());
    assertEquals(Optional.of("special"), tool.pool());
    assertEquals("special", tool.targetPool());
    assertEquals("local", tool.runner());
    assertEquals(Optional.of(Duration.ofSeconds(90)), tool.walltime());
    assertEquals(
        new ToolParameter("t", ParameterType.TEXT, "some text", true, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.of("[a-z]+"), Optional.of(5), List.of(), true, "true", "false"),
        tool.parameters().get(0));
    ToolParameter b = tool.parameters().get(1);
    assertEquals(List.of("-r", "", false), List.of(b.trueValue(), b.falseValue(), b.required()));
    ToolParameter n = tool.parameters().get(2);
    assertEquals(List.of(Optional.of(-3.0), Optional.of(3.0), Optional.of(2L)), List.of(n.min(), n.max(), n.defaultValue()));
    assertEquals(Optional.of(0.25), tool.parameters().get(3).defaultValue());
    assertEquals(List.of("a", "b"), tool.parameters().get(4).options());
  }

  @Test
  void mapsAToolToOneHandlerByServerName() {
    Tool tool = ToolFixtures.tool("{ id = t, version = \"1\", argv = [true], handler = handler0 }");

    assertEquals("handler.handler0", tool.targetPool());
  }

  @Test
  void anEmptyListDropsTheSamples() {
    assertTrue(registryOf().all().isEmpty());
  }

  @Test
  void plusEqualsAddsAToolToTheSamples() {
    ToolRegistry registry = ToolRegistry.fromConfig(config("galley.tools.list += " + ECHO));

    assertEquals(8, registry.all().size());
    assertTrue(registry.find("echo").isPresent());
  }

  @Test
  void loadsEveryConfFileOfTheToolsDirectoryInNameOrder(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("b.conf"), "tools = [" + ECHO + "]");
    Files.writeString(dir.resolve("a.conf"), """
        tools = [ { id = zz, version = "1", argv = [true] }, { id = aa, version = "1", argv = [true] } ]
        """);
    Files.writeString(dir.resolve("notes.txt"), "not a tool file");
    Files.createDirectory(dir.resolve("sub.conf"));

    ToolRegistry registry = ToolRegistry.fromConfig(
        ConfigFactory.parseMap(Map.of("galley.tools.dir", dir.toString()))
            .withFallback(config("galley.tools.list = []")));

    assertEquals(List.of("aa", "echo", "zz"), ids(registry));
  }

  @Test
  void toolsOfTheDirectoryComeInAdditionToTheList(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("mine.conf"), "tools = [" + ECHO + "]");

    ToolRegistry registry = ToolRegistry.fromConfig(
        ConfigFactory.parseMap(Map.of("galley.tools.dir", dir.toString())).withFallback(ConfigFactory.load()));

    assertEquals(8, registry.all().size());
  }

  @Test
  void findsByIdAndNothingForUnknownOrNullIds() {
    ToolRegistry registry = registryOf(ECHO);

    assertEquals("echo", registry.find("echo").orElseThrow().id());
    assertEquals(Optional.empty(), registry.find("nope"));
    assertEquals(Optional.empty(), registry.find(null));
  }

  @Test
  void listsAllToolsSortedByIdAndUnmodifiable() {
    ToolRegistry registry = registryOf("{ id = b, version = \"1\", argv = [true] }", "{ id = a, version = \"1\", argv = [true] }");

    assertEquals(List.of("a", "b"), ids(registry));
    assertThrows(UnsupportedOperationException.class, () -> registry.all().clear());
    assertEquals("tools: a 1, b 1", registry.toString());
  }

  @Test
  void readsDestinationAndResources() {
    ToolRegistry registry = ToolRegistry.fromConfig(config("""
        galley.destinations.small { runner = slurm, jobs-dir = "/shared/jobs" }
        galley.tools.list = [
          { id = big, version = "1", argv = [sort], destination = small,
            resources { cores = 2, mem = 1536m, walltime = 10m } }
          { id = plain, version = "1", argv = [sort], walltime = 1m }
          { id = only_cores, version = "1", argv = [sort], resources { cores = 3 } }
        ]
        """));

    Tool big = registry.find("big").orElseThrow();
    assertEquals(Optional.of("small"), big.destination());
    assertEquals(new Resources(2, OptionalLong.of(1536), Optional.of(Duration.ofMinutes(10))), big.resources());
    assertEquals(Optional.of(Duration.ofMinutes(10)), big.requestedWalltime());
    Tool plain = registry.find("plain").orElseThrow();
    assertEquals(Optional.empty(), plain.destination());
    assertEquals(Resources.NONE, plain.resources());
    assertEquals(Optional.of(Duration.ofMinutes(1)), plain.requestedWalltime());
    assertEquals(new Resources(3, OptionalLong.empty(), Optional.empty()),
        registry.find("only_cores").orElseThrow().resources());
  }

  @Test
  void aToolsDestinationMustExist() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> registryOf("{ id = t, version = \"1\", argv = [prog], destination = smal }"));
    assertTrue(e.getMessage().contains("tool 't'") && e.getMessage().contains("destination: no destination 'smal'"),
        e.getMessage());

    Tool toSmall = ToolFixtures.tool("{ id = t, version = \"1\", argv = [prog] }");
    Tool named = new Tool("t", "1", "", toSmall.argv(), Optional.empty(), List.of(), Optional.empty(),
        Optional.empty(), "local", Optional.empty(), Optional.of("small"), Resources.NONE);
    assertThrows(IllegalArgumentException.class, () -> ToolRegistry.of(List.of(named)));
    assertEquals(List.of("t"), ids(ToolRegistry.of(List.of(named), Destinations.fromConfig(
        config("galley.destinations.small { runner = local }")))));
  }

  @Test
  void aRunnerThatContradictsTheDestinationIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.fromConfig(config("""
        galley.destinations.small { runner = slurm }
        galley.tools.list = [ { id = t, version = "1", argv = [prog], runner = noop, destination = small } ]
        """)));
    assertTrue(e.getMessage().contains("tool 't': runner, destination"), e.getMessage());
  }

  @Test
  void toolsBuiltInCodeAreHeldToTheSameRules() {
    Tool good = ToolFixtures.tool(ECHO);
    Tool badPlaceholder = new Tool("bad", "1", "", List.of("echo", "${nope}"), Optional.empty(), List.of(),
        Optional.empty(), Optional.empty(), "local", Optional.empty(), Optional.empty(), Resources.NONE);

    assertEquals(List.of("echo"), ids(ToolRegistry.of(List.of(good))));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ToolRegistry.of(List.of(badPlaceholder)));
    assertTrue(e.getMessage().contains("tool 'bad'") && e.getMessage().contains("${nope}"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.of(List.of(good, good)));
    assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
  }

  private static List<String> ids(ToolRegistry registry) {
    return registry.all().stream().map(Tool::id).toList();
  }
}
