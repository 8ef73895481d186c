package org.galley.core.dispatch;

import org.apache.pekko.actor.typed.ActorRef;
import org.galley.protocol.DispatchProtocol.HandlerCommand;

/**
 * What a pool dispatcher knows of one handler: whether the Receptionist lists it as reachable,
 * its free slots as last reported, and whether a claim to it is still unanswered.
 */
public record HandlerView(
    ActorRef<HandlerCommand> ref, String serverName, boolean live, int freeSlots, boolean draining, boolean claiming) {

  /** Placement's filter: live, taking work, with a free slot and no claim under way. */
  public boolean canTakeWork() {
    return live && !draining && freeSlots > 0 && !claiming;
  }
}
