package org.galley.core.tools;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped sample tools, rendered and really run with {@link ProcessBuilder} the way the local
 * runner does: files written first, argv as is, stdin redirected from a file, no shell.
 */
class SampleToolsTest {

  private static final ToolRegistry SAMPLES = ToolRegistry.fromConfig(ConfigFactory.load());
  private static final String INJECTION = "$(touch pwned); rm -rf x";

  @TempDir Path jobDir;

  @Test
  void sortLinesSortsLines() throws Exception {
    Run run = run("sort_lines", Map.of("text", "b\na\nc"));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("a\nb\nc\n", run.stdout());
  }

  @Test
  void sortLinesReversesOnRequest() throws Exception {
    assertEquals("c\nb\na\n", run("sort_lines", Map.of("text", "b\na\nc", "reverse", true)).stdout());
  }

  @Test
  void wordCountCountsWordsByDefault() throws Exception {
    Run run = run("word_count", Map.of("text", "one two three\nfour"));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("4", run.stdout().trim());
  }

  @Test
  void wordCountCountsLinesInLineMode() throws Exception {
    assertEquals("3", run("word_count", Map.of("text", "a b\nc\nd e f\n", "mode", "-l")).stdout().trim());
  }

  @Test
  void checksumGivesTheSha256OfTheText() throws Exception {
    Run run = run("checksum", Map.of("text", "hello"));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  -\n", run.stdout());
  }

  @Test
  void failExitsWithTheGivenCode() throws Exception {
    assertEquals(42, run("fail", Map.of("code", 42)).exitCode());
    assertEquals(1, run("fail", Map.of()).exitCode());
  }

  @Test
  void sleepZeroSucceeds() throws Exception {
    assertEquals(0, run("sleep", Map.of("seconds", 0)).exitCode());
  }

  @Test
  void trueRunsBinTrue() throws Exception {
    Run run = run("true", Map.of());

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("local", SAMPLES.find("true").orElseThrow().runner());
  }

  @Test
  void noopTakesNoInputsAndChoosesTheNoopRunner() {
    Tool noop = SAMPLES.find("noop").orElseThrow();

    assertEquals("noop", noop.runner());
    assertEquals(Map.of(), ToolRegistry.validate(noop, Map.of()));
  }

  @Test
  void shellSyntaxInATextIsSortedNotRun() throws Exception {
    Run run = run("sort_lines", Map.of("text", "zz\n" + INJECTION));

    assertEquals(INJECTION + "\nzz\n", run.stdout());
    assertNothingRan();
  }

  @Test
  void shellSyntaxPlacedStraightIntoArgvReachesTheProgramLiterally() throws Exception {
    Tool echo = ToolFixtures.tool(
        "{ id = echo, version = \"1\", argv = [echo, \"${s}\"], parameters = [ { name = s, type = text } ] }");

    Run run = run(echo, Map.of("s", INJECTION));

    assertEquals(INJECTION + "\n", run.stdout());
    assertNothingRan();
  }

  @Test
  void shellSyntaxInTheFailCodeIsRefusedBeforeAnythingRuns() {
    // The one sample with a shell: its value must be an integer, so text never reaches `sh -c`.
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> run("fail", Map.of("code", "1; touch pwned")));

    assertEquals("code", e.field());
    assertNothingRan();
  }

  private void assertNothingRan() {
    assertFalse(Files.exists(jobDir.resolve("pwned")), "no command of the input ran");
  }

  private Run run(String toolId, Map<String, Object> rawInputs) throws Exception {
    return run(SAMPLES.find(toolId).orElseThrow(), rawInputs);
  }

  private Run run(Tool tool, Map<String, Object> rawInputs) throws Exception {
    CommandLine cl = ToolRegistry.render(tool, ToolRegistry.validate(tool, rawInputs), jobDir);
    for (Map.Entry<Path, String> file : cl.files().entrySet()) {
      Files.createDirectories(file.getKey().getParent());
      Files.writeString(file.getKey(), file.getValue());
    }
    Path stdout = jobDir.resolve("stdout");
    Path stderr = jobDir.resolve("stderr");
    ProcessBuilder pb = new ProcessBuilder(cl.argv())
        .directory(jobDir.toFile())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    // The C locale makes sort's order of '$' and letters the same on every machine.
    pb.environment().put("LC_ALL", "C");
    cl.stdin().ifPresentOrElse(
        in -> pb.redirectInput(in.toFile()), () -> pb.redirectInput(Path.of("/dev/null").toFile()));
    Process process = pb.start();
    if (!process.waitFor(30, SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(cl.argv() + " did not finish in 30 s");
    }
    return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }

  private record Run(int exitCode, String stdout, String stderr) {}
}
