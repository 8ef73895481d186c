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
}
