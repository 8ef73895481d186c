package org.galley.handler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.galley.handler.HandlerState.JobSlot;
import org.galley.handler.HandlerState.StopReason;

/**
 * The handler side of fencing: which attempts running here the job table no longer gives to this
 * handler (the cluster took them away while it was frozen or cut off, and requeued them). Pure, so it
 * is unit-tested; {@link CancelSweep} reads the held jobs (one statement for all of them) every
 * {@code cancel-check-interval} and the {@link AttemptFlow} kills what this returns, writing nothing.
 *
 * <p>An attempt counts as disowned only when two reads in a row lacked it: a read that began before
 * a claim committed does not show the claimed job, although the slot exists when its answer arrives.
 * A read that began after the previous answer arrived always shows a job that is still ours.
 *
 * @param suspects attempts (job id to attempt) the last read lacked
 */
record OwnershipCheck(Map<Long, Integer> suspects) {

  OwnershipCheck {
    suspects = Map.copyOf(suspects);
  }

  static OwnershipCheck initial() {
    return new OwnershipCheck(Map.of());
  }

  /** A check's outcome: the next state and the slots to stop as {@link StopReason#DISOWNED}. */
  record Result(OwnershipCheck next, List<JobSlot> disowned) {}

  /**
   * @param slots the attempts held here now
   * @param held the table's answer: job id to attempt of the jobs it says this handler holds
   */
  Result check(Map<Long, JobSlot> slots, Map<Long, Integer> held) {
    Map<Long, Integer> missing = new HashMap<>();
    List<JobSlot> disowned = new ArrayList<>();
    for (JobSlot slot : slots.values()) {
      if (slot.phase() != HandlerState.Phase.RUNNING || slot.stop() == StopReason.DISOWNED) {
        continue; // starting: its start is fenced; ending: its end is being written; or stopped already
      }
      Integer attempt = held.get(slot.jobId());
      if (attempt != null && attempt == slot.attempt()) {
        continue;
      }
      if (Integer.valueOf(slot.attempt()).equals(suspects.get(slot.jobId()))) {
        disowned.add(slot);
      } else {
        missing.put(slot.jobId(), slot.attempt());
      }
    }
    return new Result(new OwnershipCheck(missing), disowned);
  }
}
