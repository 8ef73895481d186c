package org.galley.core.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reads a setting given either as a HOCON list or, as system properties do, a comma-separated string. */
public final class ConfigLists {
  private ConfigLists() {}

  public static Set<String> names(Config config, String path) {
    Set<String> out = new LinkedHashSet<>();
    if (config.getValue(path).valueType() == ConfigValueType.LIST) {
      config.getStringList(path).forEach(s -> addTrimmed(out, s));
    } else {
      Arrays.stream(config.getString(path).split(",")).forEach(s -> addTrimmed(out, s));
    }
    return out;
  }

  private static void addTrimmed(Set<String> out, String s) {
    String t = s.trim();
    if (!t.isEmpty()) {
      out.add(t);
    }
  }
}
