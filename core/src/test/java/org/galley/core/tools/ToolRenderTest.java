package org.galley.core.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ToolRegistry#render}: argv elements, dropped flags, input files and stdin. */
class ToolRenderTest {

  private static final Tool EVERY_TYPE = ToolFixtures.tool(ToolFixtures.EVERY_TYPE);
  private static final Path JOB = Path.of("/var/galley/jobs/17");

  @Test
  void substitutesPlaceholdersAlsoInsideAnElement() {
    CommandLine cl = ToolRegistry.render(EVERY_TYPE, Map.of("text", "ab c", "n", 5L, "x", 0.5, "mode", "-l"), JOB);

    assertEquals(List.of("prog", "--n=5", "0.5", "-l", "ab c"), cl.argv());
    assertEquals(Optional.empty(), cl.stdin());
    assertEquals(Map.of(), cl.files());
  }

  @Test
  void dropsAFlagWhoseValueRendersEmptyAndKeepsATrueOne() {
    assertEquals(List.of("prog", "--n=10", "-w", "a"),
        ToolRegistry.render(EVERY_TYPE, Map.of("text", "a", "flag", false), JOB).argv());
    assertEquals(List.of("prog", "-f", "--n=10", "-w", "a"),
        ToolRegistry.render(EVERY_TYPE, Map.of("text", "a", "flag", true), JOB).argv());
  }

  @Test
  void anAbsentOptionalParameterDropsItsWholeElementButLeavesText() {
    Tool tool = ToolFixtures.tool("""
        { id = t, version = "1", argv = [prog, "--limit=${n}", "${n}", "${s}", "x${s}y"],
          parameters = [ { name = n, type = integer }, { name = s, type = text } ] }
        """);

    assertEquals(List.of("prog", "--limit=", "xy"), ToolRegistry.render(tool, Map.of(), JOB).argv());
  }

  @Test
  void anEmptyTextGivenByTheUserIsDroppedLikeAnAbsentOne() {
    Tool tool = ToolFixtures.tool(
        "{ id = t, version = \"1\", argv = [prog, \"${s}\"], parameters = [ { name = s, type = text } ] }");

    assertEquals(List.of("prog"), ToolRegistry.render(tool, Map.of("s", ""), JOB).argv());
  }

  @Test
  void rendersFloatsAsPlainDecimalsAndIntegersAsDecimals() {
    Tool tool = ToolFixtures.tool("""
        { id = t, version = "1", argv = [prog, "${x}", "${n}"],
          parameters = [ { name = x, type = float }, { name = n, type = integer } ] }
        """);

    assertEquals(List.of("prog", "0.0000001", "-9000000000"),
        ToolRegistry.render(tool, Map.of("x", 1.0E-7, "n", -9_000_000_000L), JOB).argv());
    assertEquals(List.of("prog", "1000000000000000000000", "0"),
        ToolRegistry.render(tool, Map.of("x", 1.0E21, "n", 0L), JOB).argv());
    assertEquals(List.of("prog", "2"), ToolRegistry.render(tool, Map.of("x", 2.0), JOB).argv());
  }

  @Test
  void writesAsFileParametersUnderInputsAndPassesTheirPath() {
    Tool tool = ToolFixtures.tool("""
        { id = t, version = "1", argv = [cat, "--from=${doc}", "${doc}"],
          parameters = [ { name = doc, type = text, as-file = true }, { name = other, type = text, as-file = true } ] }
        """);

    CommandLine cl = ToolRegistry.render(tool, Map.of("doc", "line 1\nline 2\n"), JOB);

    Path file = JOB.resolve("inputs/doc");
    assertEquals(List.of("cat", "--from=" + file, file.toString()), cl.argv());
    assertEquals(Map.of(file, "line 1\nline 2\n"), cl.files());
  }

  @Test
  void rendersStdinFromAnAsFileParameter() {
    Tool tool = ToolFixtures.tool("""
        { id = t, version = "1", argv = [wc, "-l"], stdin = "${doc}",
          parameters = [ { name = doc, type = text, as-file = true } ] }
        """);

    CommandLine cl = ToolRegistry.render(tool, Map.of("doc", "a\n"), JOB);

    assertEquals(List.of("wc", "-l"), cl.argv());
    assertEquals(Optional.of(JOB.resolve("inputs/doc")), cl.stdin());
    assertEquals(Map.of(JOB.resolve("inputs/doc"), "a\n"), cl.files());
  }

  @Test
  void noStdinWhenItsParameterIsAbsent() {
    Tool tool = ToolFixtures.tool("""
        { id = t, version = "1", argv = [cat], stdin = "${doc}",
          parameters = [ { name = doc, type = text, as-file = true } ] }
        """);

    CommandLine cl = ToolRegistry.render(tool, Map.of(), JOB);

    assertEquals(Optional.empty(), cl.stdin());
    assertEquals(Map.of(), cl.files());
  }

  @Test
  void aConstantStdinIsResolvedInTheJobDirectory() {
    Tool tool = ToolFixtures.tool("{ id = t, version = \"1\", argv = [cat], stdin = \"data.txt\" }");

    assertEquals(Optional.of(JOB.resolve("data.txt")), ToolRegistry.render(tool, Map.of(), JOB).stdin());
  }

  @Test
  void aRelativeJobDirectoryBecomesAbsoluteSoTheProcessFindsItsFiles() {
    Tool tool = ToolFixtures.tool(
        "{ id = t, version = \"1\", argv = [cat, \"${d}\"], parameters = [ { name = d, type = text, as-file = true } ] }");

    CommandLine cl = ToolRegistry.render(tool, Map.of("d", "x"), Path.of("jobs/1"));

    Path file = Path.of("jobs/1/inputs/d").toAbsolutePath();
    assertEquals(List.of("cat", file.toString()), cl.argv());
    assertTrue(cl.files().containsKey(file));
  }

  @Test
  void aValueFullOfShellSyntaxStaysOneArgvElement() {
    String nasty = "a b; rm -rf / $(id) `id` | cat > x && \"'";
    Tool tool = ToolFixtures.tool(
        "{ id = t, version = \"1\", argv = [echo, \"${s}\"], parameters = [ { name = s, type = text } ] }");

    assertEquals(List.of("echo", nasty), ToolRegistry.render(tool, Map.of("s", nasty), JOB).argv());
  }

  @Test
  void acceptsInputsAsTheyComeBackFromTheJobTable() {
    // JSON read back from the database gives Integer where validate() gave Long.
    assertEquals(List.of("prog", "--n=7", "-w", "a"),
        ToolRegistry.render(EVERY_TYPE, Map.of("text", "a", "n", 7), JOB).argv());
  }

  @Test
  void refusesInputsTheToolNoLongerAccepts() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ToolRegistry.render(EVERY_TYPE, Map.of("text", "a", "n", 1000L), JOB));

    assertEquals("n", e.field());
  }
}
