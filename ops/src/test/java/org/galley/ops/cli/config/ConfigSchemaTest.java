package org.galley.ops.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema is the one source of the defaults, the sample file and show-config. */
class ConfigSchemaTest {
  static final Path SAMPLE = Path.of("..", "galley.conf.sample");

  @Test
  void theCheckedInSampleIsTheGeneratedOne() throws Exception {
    assertEquals(ConfigSchema.sample(), Files.readString(SAMPLE),
        "regenerate it: ./galley show-config --sample > galley.conf.sample");
  }

  @Test
  void theSampleMeansTheSameAsNoFileAtAll(@TempDir Path dir) throws Exception {
    Path sample = dir.resolve("galley.conf");
    Files.writeString(sample, ConfigSchema.sample());
    ProcessSet fromSample = ProcessSet.load(sample);
    ProcessSet fromNothing = ProcessSet.load(dir.resolve("missing.conf"));
    assertTrue(fromSample.configExists());
    assertFalse(fromNothing.configExists());
    assertEquals(fromNothing.processes(), fromSample.processes());
    assertEquals(fromNothing.jvmOptions(), fromSample.jvmOptions());
  }

  @Test
  void everyOptionHasADescriptionAndAParsableDefaultAndIsShown(@TempDir Path dir) {
    Set<String> paths = new HashSet<>();
    String shown = ConfigSchema.show(ProcessSet.load(dir.resolve("galley.conf")));
    for (ConfigSchema.Option o : ConfigSchema.OPTIONS) {
      assertTrue(paths.add(o.path()), "listed twice: " + o.path());
      assertTrue(o.description().length() > 10, o.path());
      String shownPath = o.perGroup() ? "handlers.handler." + o.groupKey() : o.path();
      assertTrue(shown.contains("\n" + shownPath + " = "), shownPath + " in show-config");
    }
    assertTrue(ConfigSchema.defaults().hasPath("web.processes"));
    assertEquals(1, ConfigSchema.groupDefaults().getInt("processes"));
  }
}
