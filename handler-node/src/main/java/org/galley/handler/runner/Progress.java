package org.galley.handler.runner;

import java.time.Instant;

/**
 * What a runner tells the handler about work it watches, from any thread: when the work began to
 * run (a scheduler job left its queue) and why it waits or cannot be seen (the scheduler's reason, or
 * that the scheduler does not answer). Neither changes how the attempt ends.
 */
public interface Progress {

  /** The work runs since {@code since}; said once. */
  void running(Instant since);

  /** Why the work is where it is, for people; said when it changes. */
  void note(String info);

  /** Hears nothing. */
  Progress NONE = new Progress() {
    @Override
    public void running(Instant since) {}

    @Override
    public void note(String info) {}
  };
}
