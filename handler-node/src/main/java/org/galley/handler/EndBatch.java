package org.galley.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ends of attempts waiting to be written, for the {@link HandlerActor}: River's batch completer. One
 * write is under way at a time; ends that arrive meanwhile go together in the next (group commit),
 * so a busy handler writes one statement for many jobs and a quiet one writes each end at once.
 * A batch holds at most {@code max} ends. With a {@code delay}, a first end waits up to that long for
 * others (or until {@code max} wait) before it is written: fewer, larger statements for more latency.
 * An end waits here only in memory: if the handler dies meanwhile, its job is still held by the
 * handler in the table and is requeued with the handler's other jobs once the cluster removed it.
 * Not thread-safe: the actor alone uses it.
 */
final class EndBatch {
  /** {@code galley.handler.end-batch-delay} and {@code end-batch-max}. */
  record Settings(Duration delay, int max) {
    static final Settings DEFAULT = new Settings(Duration.ZERO, 1_000);

    Settings {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("galley.handler.end-batch-delay must not be negative, got " + delay);
      }
      if (max < 1) {
        throw new IllegalArgumentException("galley.handler.end-batch-max must be at least 1, got " + max);
      }
    }

    /** Reads {@code galley.handler.end-batch-*}; defaults where a key is missing (a config without the handler's reference.conf). */
    static Settings fromConfig(com.typesafe.config.Config config) {
      String at = "galley.handler.";
      return new Settings(
          config.hasPath(at + "end-batch-delay") ? config.getDuration(at + "end-batch-delay") : DEFAULT.delay(),
          config.hasPath(at + "end-batch-max") ? config.getInt(at + "end-batch-max") : DEFAULT.max());
    }
  }

  private final Settings settings;
  private final List<AttemptEnds.End> waiting = new ArrayList<>();
  private boolean writing;
  /** The delay of the ends waiting now is over (or there is none). */
  private boolean due;

  EndBatch(Settings settings) {
    this.settings = settings;
    this.due = settings.delay().isZero();
  }

  EndBatch() {
    this(Settings.DEFAULT);
  }

  /** Adds an end; true if it is the first of a batch that is to wait for its delay (start the timer). */
  boolean add(AttemptEnds.End end) {
    waiting.add(end);
    return waiting.size() == 1 && !due;
  }

  /** The delay of the waiting ends is over: they are written at the next {@link #take}. */
  void delayOver() {
    due = true;
  }

  /** Puts the ends of a failed write back, to go with the next. */
  void retry(List<AttemptEnds.End> ends) {
    waiting.addAll(ends);
    due = true;
  }

  /** The ends to write now, unless a write is under way, none wait, or they still wait for their delay. */
  Optional<List<AttemptEnds.End>> take() {
    if (writing || waiting.isEmpty() || !(due || waiting.size() >= settings.max())) {
      return Optional.empty();
    }
    writing = true;
    List<AttemptEnds.End> taken = waiting.subList(0, Math.min(waiting.size(), settings.max()));
    List<AttemptEnds.End> next = List.copyOf(taken);
    taken.clear();
    // Ends left over (more than max) waited already; a new batch waits for its own delay.
    due = settings.delay().isZero() || !waiting.isEmpty();
    return Optional.of(next);
  }

  /** The write under way ended, well or not. */
  void written() {
    writing = false;
  }

  /** Ends waiting, not yet written. */
  int waiting() {
    return waiting.size();
  }
}
