package org.galley.core.tools;

import static org.galley.core.tools.ToolFixtures.config;
import static org.galley.core.tools.ToolFixtures.registryOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad tool definition stops the start with a message naming the tool and the field to fix. */
class ToolLoadErrorsTest {

  @Test
  void anUnknownParameterTypeNamesToolParameterAndType() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ { name = p, type = string } ] }",
        "tool 't'", "parameter 'p' type", "unknown type 'string'");
  }

  @Test
  void aPlaceholderNamingNoParameterIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog, \"--in=${input}\"] }",
        "tool 't'", "argv[1]", "${input} names no parameter");
  }

  @Test
  void aStdinPlaceholderNamingNoParameterIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], stdin = \"${input}\" }",
        "tool 't'", "stdin", "${input}");
  }

  @Test
  void freeTextCannotChooseTheFileReadAsStdin() {
    assertLoadError("{ id = t, version = \"1\", argv = [cat], stdin = \"/data/${p}\", "
            + "parameters = [ { name = p, type = text } ] }",
        "tool 't'", "stdin", "${p} is free text", "as-file");
  }

  @Test
  void aMalformedPlaceholderIsRefusedRatherThanPassedLiterally() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog, \"${p\"], parameters = [ { name = p, type = text } ] }",
        "tool 't'", "argv[1]", "malformed placeholder");
  }

  @Test
  void theProgramCannotBeAPlaceholder() {
    assertLoadError("{ id = t, version = \"1\", argv = [\"${p}\"], parameters = [ { name = p, type = text } ] }",
        "tool 't'", "argv[0]", "fixed text");
  }

  @Test
  void aDefaultOutsideItsOwnBoundsIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
            + "{ name = n, type = integer, min = 1, max = 10, default = 11 } ] }",
        "tool 't'", "parameter 'n' default", "at most 10, got 11");
  }

  @Test
  void aDefaultOfTheWrongTypeIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
            + "{ name = n, type = integer, default = \"5\" } ] }",
        "tool 't'", "parameter 'n' default", "must be an integer");
  }

  @Test
  void aSelectDefaultThatIsNoOptionIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
            + "{ name = m, type = select, options = [a, b], default = c } ] }",
        "tool 't'", "parameter 'm' default", "one of");
  }

  @Test
  void aTextDefaultMustMatchItsPattern() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
            + "{ name = s, type = text, pattern = \"[a-z]+\", default = \"A\" } ] }",
        "tool 't'", "parameter 's' default", "pattern");
  }

  @Test
  void aDuplicateIdInTheListNamesTheId() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog] }, { id = t, version = \"2\", argv = [prog] }",
        "tool 't'", "galley.tools.list[1]", "id: duplicate", "galley.tools.list[0]");
  }

  @Test
  void aDuplicateIdAcrossListAndDirectoryNamesTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("more.conf");
    Files.writeString(file, "tools = [ { id = sleep, version = \"9\", argv = [sleep, \"1\"] } ]");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.fromConfig(
        ConfigFactory.parseMap(Map.of("galley.tools.dir", dir.toString())).withFallback(ConfigFactory.load())));

    assertMentions(e, "tool 'sleep'", file.toString(), "id: duplicate", "galley.tools.list[3]");
  }

  @Test
  void aMissingArgvIsRefused() {
    assertLoadError("{ id = t, version = \"1\" }", "tool 't'", "argv: missing");
  }

  @Test
  void anEmptyArgvIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [] }", "tool 't'", "argv: must name");
  }

  @Test
  void aMissingIdNamesThePositionInTheList() {
    assertLoadError("{ version = \"1\", argv = [prog] }", "galley.tools.list[0]", "id: missing");
  }

  @Test
  void anIdWithSpacesOrSlashesIsRefused() {
    assertLoadError("{ id = \"a/b\", version = \"1\", argv = [prog] }", "tool 'a/b'", "id:");
  }

  @Test
  void aMissingVersionIsRefused() {
    assertLoadError("{ id = t, argv = [prog] }", "tool 't'", "version: missing");
  }

  @Test
  void aMisspelledFieldIsRefusedRatherThanIgnored() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], walltme = 1h }", "tool 't'", "walltme: unknown field");
  }

  @Test
  void aFieldOfAnotherParameterTypeIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ { name = s, type = text, min = 1 } ] }",
        "tool 't'", "parameter 's' min: unknown field");
  }

  @Test
  void aWalltimeThatIsNoDurationIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], walltime = soon }", "tool 't'", "walltime:");
  }

  @Test
  void resourcesOutOfRangeAreRefusedNamingTheField() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], resources { cores = 0 } }",
        "tool 't'", "resources.cores: at least 1, got 0");
    assertLoadError("{ id = t, version = \"1\", argv = [prog], resources { mem = 0 } }",
        "tool 't'", "resources.mem: must be positive");
    assertLoadError("{ id = t, version = \"1\", argv = [prog], resources { mem = 1500k } }",
        "tool 't'", "resources.mem: must be a whole number of megabytes");
    assertLoadError("{ id = t, version = \"1\", argv = [prog], resources { mem = lots } }",
        "tool 't'", "resources.mem:");
    assertLoadError("{ id = t, version = \"1\", argv = [prog], resources { walltime = 0s } }",
        "tool 't'", "resources.walltime: must be positive");
    assertLoadError("{ id = t, version = \"1\", argv = [prog], resources { memory = 1g } }",
        "tool 't'", "resources.memory: unknown field");
  }

  @Test
  void walltimeAndResourcesWalltimeTogetherAreRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], walltime = 1h, resources { walltime = 2h } }",
        "tool 't'", "walltime, resources.walltime: set one of them");
  }

  @Test
  void minAboveMaxIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
        + "{ name = x, type = float, min = 2, max = 1 } ] }", "tool 't'", "parameter 'x' min, max");
  }

  @Test
  void aFractionalBoundOfAnIntegerIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
        + "{ name = n, type = integer, min = 0.5 } ] }", "tool 't'", "parameter 'n' min", "whole");
  }

  @Test
  void anInvalidPatternIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
        + "{ name = s, type = text, pattern = \"[a-\" } ] }", "tool 't'", "parameter 's' pattern");
  }

  @Test
  void aSelectWithoutOptionsIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ { name = m, type = select } ] }",
        "tool 't'", "parameter 'm' options");
  }

  @Test
  void aRequiredParameterWithADefaultIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
        + "{ name = n, type = integer, required = true, default = 1 } ] }", "tool 't'", "parameter 'n' default");
  }

  @Test
  void twoParametersWithOneNameAreRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ "
        + "{ name = n, type = integer }, { name = n, type = text } ] }", "tool 't'", "parameters[1].name", "duplicate");
  }

  @Test
  void aParameterNameThatCouldLeaveTheInputsDirectoryIsRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], parameters = [ { name = \"..\", type = text } ] }",
        "tool 't'", "parameters[0].name");
  }

  @Test
  void poolAndHandlerTogetherAreRefused() {
    assertLoadError("{ id = t, version = \"1\", argv = [prog], pool = a, handler = h }", "tool 't'", "pool, handler");
  }

  @Test
  void aDirectoryThatDoesNotExistIsRefused(@TempDir Path dir) {
    Path missing = dir.resolve("missing");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.fromConfig(
        ConfigFactory.parseMap(Map.of("galley.tools.dir", missing.toString())).withFallback(ConfigFactory.load())));

    assertMentions(e, "galley.tools.dir", missing.toString());
  }

  @Test
  void aFileWithoutAToolsListIsRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("x.conf");
    Files.writeString(file, "tool = []");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.fromConfig(
        ConfigFactory.parseMap(Map.of("galley.tools.dir", dir.toString())).withFallback(config("galley.tools.list = []"))));

    assertMentions(e, file.toString(), "tools = [");
  }

  private static void assertLoadError(String toolObjects, String... fragments) {
    assertMentions(assertThrows(IllegalArgumentException.class, () -> registryOf(toolObjects)), fragments);
  }

  private static void assertMentions(Exception e, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
    }
  }
}
