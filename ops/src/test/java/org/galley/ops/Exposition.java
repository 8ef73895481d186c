package org.galley.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text exposition, parsed strictly enough to catch a malformed line. */
record Exposition(List<Sample> samples, Map<String, String> types) {
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  static Exposition parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        types.put(p[2], p[3]);
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
          throw new IllegalArgumentException("not a sample line: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null) {
          Matcher l = LABEL.matcher(m.group(2));
          int at = 0;
          while (l.find() && l.start() == at) {
            labels.put(l.group(1), l.group(2));
            at = l.end();
          }
          if (at != m.group(2).length()) {
            throw new IllegalArgumentException("bad labels: " + line);
          }
        }
        samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
      }
    }
    return new Exposition(samples, types);
  }

  /** The value of the one sample with this name and (at least) these labels; NaN if none. */
  double value(String name, String... labelPairs) {
    return samples.stream().filter(s -> s.name().equals(name) && has(s, labelPairs)).mapToDouble(Sample::value)
        .findFirst().orElse(Double.NaN);
  }

  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  private static boolean has(Sample s, String[] pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (!pairs[i + 1].equals(s.labels().get(pairs[i]))) {
        return false;
      }
    }
    return true;
  }
}
