package org.galley.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, as Maven wrote it into {@code galley-version.properties}, so the API
 * never reports a number someone forgot to bump.
 *
 * @param version the full version, e.g. {@code 0.1.0} or {@code 0.1.0-SNAPSHOT}
 * @param major the first two parts, e.g. {@code 0.1} (Galaxy's {@code version_major})
 */
public record GalleyVersion(String version, String major) {

  public static GalleyVersion current() {
    Properties p = new Properties();
    try (InputStream in = GalleyVersion.class.getResourceAsStream("/galley-version.properties")) {
      if (in == null) {
        throw new IllegalStateException("galley-version.properties is missing from the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(p.getProperty("version"));
  }

  static GalleyVersion of(String version) {
    String[] parts = version.split("[.-]");
    String major = parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    return new GalleyVersion(version, major);
  }
}
