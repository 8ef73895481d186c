package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class WebSettingsTest {

  @Test
  void defaultsComeFromReferenceConf() {
    WebSettings s = WebSettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals("127.0.0.1", s.host());
    assertEquals(8080, s.port());
    assertEquals(1024 * 1024, s.maxBody());
    assertEquals(500, s.listDefaultLimit());
    assertEquals(10L * 1024 * 1024, s.maxOutput());
  }

  @Test
  void readsMemorySizesWithUnits() {
    WebSettings s = WebSettings.fromConfig(ConfigFactory.parseString(
        "galley.http { max-body = 64k, max-output = 2m, port = 0 }").withFallback(ConfigFactory.defaultReference()));
    assertEquals(64 * 1024, s.maxBody());
    assertEquals(2 * 1024 * 1024, s.maxOutput());
    assertEquals(0, s.port());
  }

  @Test
  void refusesAListLimitAboveTheLargestPage() {
    var e = assertThrows(IllegalArgumentException.class, () -> new WebSettings("127.0.0.1", 8080, 1, 501, 1));
    assertTrue(e.getMessage().contains("galley.http.list-default-limit"), e.getMessage());
  }

  @Test
  void refusesAPortOutOfRange() {
    var e = assertThrows(IllegalArgumentException.class, () -> new WebSettings("127.0.0.1", 70000, 1, 1, 1));
    assertTrue(e.getMessage().contains("galley.http.port"), e.getMessage());
  }

  @Test
  void refusesAnEmptyBodyLimit() {
    var e = assertThrows(IllegalArgumentException.class, () -> new WebSettings("127.0.0.1", 0, 0, 1, 1));
    assertTrue(e.getMessage().contains("galley.http.max-body"), e.getMessage());
  }
}
