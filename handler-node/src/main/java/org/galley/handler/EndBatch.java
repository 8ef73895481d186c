package org.galley.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ends of attempts waiting to be written, for the {@link HandlerActor}. One write is under way at
 * a time; ends that arrive meanwhile go together in the next (group commit), so a busy handler
 * writes one statement for many jobs and a quiet one writes each end at once. Not thread-safe:
 * the actor alone uses it.
 */
final class EndBatch {
  private final List<AttemptEnds.End> waiting = new ArrayList<>();
  private boolean writing;

  void add(AttemptEnds.End end) {
    waiting.add(end);
  }

  /** Puts the ends of a failed write back, to go with the next. */
  void retry(List<AttemptEnds.End> ends) {
    waiting.addAll(ends);
  }

  /** The ends to write now, unless a write is under way or none wait; the write is then under way. */
  Optional<List<AttemptEnds.End>> take() {
    if (writing || waiting.isEmpty()) {
      return Optional.empty();
    }
    writing = true;
    List<AttemptEnds.End> next = List.copyOf(waiting);
    waiting.clear();
    return Optional.of(next);
  }

  /** The write under way ended, well or not. */
  void written() {
    writing = false;
  }
}
