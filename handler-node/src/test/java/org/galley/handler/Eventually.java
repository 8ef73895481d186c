package org.galley.handler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Polls an assertion until it holds or a deadline passes; the last failure is rethrown. */
public final class Eventually {
  private Eventually() {}

  public static void within(Duration max, Runnable assertion) {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }

  /** Checks an assertion over and over for {@code period}: for what must not happen for a while. */
  public static void holdsFor(Duration period, Runnable assertion) {
    long end = System.nanoTime() + period.toNanos();
    do {
      assertion.run();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    } while (System.nanoTime() < end);
    assertion.run();
  }
}
