package org.galley.web.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  final AtomicLong now = new AtomicLong(1_000_000_000_000L);

  @Test
  void aBurstIsAllowedThenTheRateWithTheWaitInWholeSeconds() {
    TokenBuckets b = new TokenBuckets(0.5, 2, 10, now::get);
    assertEquals(0, b.take("a"));
    assertEquals(0, b.take("a"));
    assertEquals(2, b.take("a"), "half a token a second: two seconds to the next");
    assertEquals(0, b.take("b"), "keys are independent");
    now.addAndGet(2_000_000_000L);
    assertEquals(0, b.take("a"));
    assertEquals(2, b.waitFor("a"));
  }

  @Test
  void waitingDoesNotTakeAndAnUnknownKeyWaitsForNothing() {
    TokenBuckets b = new TokenBuckets(1, 1, 10, now::get);
    assertEquals(0, b.waitFor("x"));
    assertEquals(0, b.take("x"));
    assertEquals(1, b.waitFor("x"));
    assertEquals(1, b.waitFor("x"));
  }

  @Test
  void rateZeroMeansNoLimit() {
    TokenBuckets b = new TokenBuckets(0, 1, 1, now::get);
    for (int i = 0; i < 100; i++) {
      assertEquals(0, b.take("a"));
    }
  }

  @Test
  void onlyTheMostRecentKeysAreKept() {
    TokenBuckets b = new TokenBuckets(0.001, 1, 2, now::get);
    b.take("a");
    b.take("b");
    b.take("c");
    assertEquals(0, b.take("a"), "a was dropped and came back full");
    assertEquals(1000, b.take("c"));
  }
}
