package org.galley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The top-level application.conf names every galley.* setting the modules define, and no other. */
class ApplicationConfTest {
  private static final Pattern DOCUMENTED = Pattern.compile("^#\\s*(galley\\.[a-z0-9.-]+)\\s*=", Pattern.MULTILINE);

  @Test
  void documentsEverySettingAndNothingElse() throws Exception {
    String text = Files.readString(Path.of("..", "application.conf"));
    Set<String> documented = new TreeSet<>();
    Matcher m = DOCUMENTED.matcher(text);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Config galley = ConfigFactory.defaultReference().getConfig("galley");
    Set<String> defined = new TreeSet<>();
    galley.entrySet().forEach(e -> defined.add("galley." + e.getKey()));
    // The tool list is one setting, however many tools the samples hold; dispatcher internals other
    // than the pool size are Pekko's.
    defined.removeIf(k -> k.startsWith("galley.tools.samples.") || k.startsWith("galley.tools.list"));
    defined.add("galley.tools.list");
    defined.removeIf(k -> k.startsWith("galley.blocking-dispatcher.") && !k.endsWith("fixed-pool-size"));
    // defaultReference() also holds the system properties: a -Dgalley.x given to Maven is not a setting.
    defined.removeIf(k -> System.getProperties().containsKey(k) && !documented.contains(k));
    assertEquals(defined, documented);
  }
}
