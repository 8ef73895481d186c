package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class GalleyVersionTest {

  @Test
  void theMajorVersionIsTheFirstTwoParts() {
    assertEquals(new GalleyVersion("0.1.0-SNAPSHOT", "0.1"), GalleyVersion.of("0.1.0-SNAPSHOT"));
    assertEquals(new GalleyVersion("1.2.3", "1.2"), GalleyVersion.of("1.2.3"));
  }

  @Test
  void theBuildWroteItsVersion() {
    assertFalse(GalleyVersion.current().version().contains("${"), "resource filtering ran");
  }
}
