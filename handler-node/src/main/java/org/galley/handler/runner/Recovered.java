package org.galley.handler.runner;


/** What a runner found of an attempt it was asked to take back ({@link Runner#recover}). */
public sealed interface Recovered {

  /** The work is still there and watched from now on, as if started here. */
  record Watching(RunningJob work) implements Recovered {}

  /** The work ended while nobody watched it. */
  record Ended(RunOutcome outcome) implements Recovered {}

  /** Nothing of the attempt runs, nor says how it ended: it is to be run again. */
  record Gone(String why) implements Recovered {}
}
