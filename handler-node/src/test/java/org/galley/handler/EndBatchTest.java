package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.galley.handler.runner.RunOutcome;
import org.junit.jupiter.api.Test;

class EndBatchTest {
  static AttemptEnds.End end(long id) {
    return new AttemptEnds.End(id, 1, null, RunOutcome.exited(0), HandlerState.StopReason.NONE);
  }

  @Test
  void endsArrivingDuringAWriteGoTogetherInTheNext() {
    EndBatch batch = new EndBatch();
    batch.add(end(1));
    assertEquals(Optional.of(List.of(end(1))), batch.take(), "a quiet handler writes at once");
    batch.add(end(2));
    batch.add(end(3));
    assertEquals(Optional.empty(), batch.take(), "one write at a time");
    batch.written();
    assertEquals(Optional.of(List.of(end(2), end(3))), batch.take());
    batch.written();
    assertEquals(Optional.empty(), batch.take(), "nothing waits");
  }

  @Test
  void theEndsOfAFailedWriteAreWrittenAgain() {
    EndBatch batch = new EndBatch();
    batch.add(end(1));
    List<AttemptEnds.End> first = batch.take().orElseThrow();
    batch.add(end(2));
    batch.written();
    batch.retry(first);
    assertEquals(Optional.of(List.of(end(2), end(1))), batch.take());
  }

  @Test
  void withADelayEndsWaitForItOrForAFullBatch() {
    EndBatch batch = new EndBatch(new EndBatch.Settings(java.time.Duration.ofMillis(5), 3));
    assertEquals(true, batch.add(end(1)), "the first end of a batch starts the delay");
    assertEquals(false, batch.add(end(2)));
    assertEquals(Optional.empty(), batch.take(), "waits for its delay");
    batch.delayOver();
    assertEquals(Optional.of(List.of(end(1), end(2))), batch.take());
    batch.written();
    batch.add(end(3));
    batch.add(end(4));
    batch.add(end(5));
    assertEquals(Optional.of(List.of(end(3), end(4), end(5))), batch.take(), "a full batch goes at once");
  }

  @Test
  void aBatchHoldsAtMostMaxEndsAndTheRestGoNext() {
    EndBatch batch = new EndBatch(new EndBatch.Settings(java.time.Duration.ZERO, 2));
    batch.add(end(1));
    batch.add(end(2));
    batch.add(end(3));
    assertEquals(Optional.of(List.of(end(1), end(2))), batch.take());
    batch.written();
    assertEquals(Optional.of(List.of(end(3))), batch.take());
    assertEquals(0, batch.waiting());
  }
}
