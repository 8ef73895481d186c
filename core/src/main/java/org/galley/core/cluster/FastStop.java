package org.galley.core.cluster;

import org.apache.pekko.actor.CoordinatedShutdown;

/**
 * The coordinated-shutdown reason of Ctrl-C (SIGINT): stop now — kill running jobs and give them
 * back. Any other reason (SIGTERM, a leave) is a graceful stop that lets running jobs finish
 * within {@code galley.handler.shutdown-grace} first.
 */
public enum FastStop implements CoordinatedShutdown.Reason {
  INSTANCE;

  /** Whether the system is shutting down, and for this reason. */
  public static boolean requested(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return CoordinatedShutdown.get(system).getShutdownReason().filter(r -> r == INSTANCE).isPresent();
  }
}
