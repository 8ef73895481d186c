package org.galley.handler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.galley.handler.runner.RunningJob;

/**
 * What a {@link HandlerActor} knows, without any I/O: the slots taken by attempts, the slots
 * reserved for claims in flight, whether it is drained and whether it stops. Methods return a new state; those that imply killing work say which slots
 * to kill.
 *
 * @param reserved slots promised to claims whose database answer has not come back
 * @param slots attempts held here by job id, from claim (or adoption) until their end is recorded;
 *     adopted attempts may exceed {@code workers} (fewer workers configured than before a restart)
 * @param drained an administrator drained this handler: it takes no work, running jobs go on
 * @param stopping the handler stops: it takes no work, and is stopped once no slot is left
 */
public record HandlerState(
    int workers,
    int reserved,
    Map<Long, JobSlot> slots,
    boolean drained,
    boolean stopping) {

  public HandlerState {
    // Reservations are only made from free workers; what the started work then takes may exceed
    // them (a job of more cores than were free, adopted jobs), which only holds back further claims.
    if (reserved < 0 || reserved > workers) {
      throw new IllegalStateException("slots overbooked: " + workers + " workers, " + reserved + " reserved");
    }
    slots = Map.copyOf(slots);
  }

  /** Where an attempt is. */
  public enum Phase {
    /** Claimed; the process is being started and the job marked running. */
    STARTING,
    /** Its work runs. */
    RUNNING,
    /** Its work stopped; the end is being written to the job table. */
    ENDING
  }

  /** Why the handler stops an attempt's work, which decides what the table is told at its end. */
  public enum StopReason {
    NONE,
    /** The job was cancelled: it ends {@code deleted}. */
    CANCEL,
    /** The handler stops: the attempt is given back ({@code new}, next attempt). */
    SHUTDOWN,
    /** Its working directory outgrew {@code galley.jobs.output-size}: it ends in error saying so. */
    OUTPUT_SIZE,
    /**
     * The job table no longer gives this attempt to this handler (it was requeued while the handler
     * was frozen or cut off): its work is stopped and nothing is written at its end.
     */
    DISOWNED
  }

  /**
   * One attempt held here. {@code work} is null until the attempt has started; {@code weight} is the
   * workers it takes: one while it starts, then what its work takes ({@link RunningJob#slots()}: its
   * cores for a local process, none for a job waiting or running in a scheduler).
   */
  public record JobSlot(long jobId, int attempt, Phase phase, StopReason stop, RunningJob work, int weight) {
    JobSlot with(Phase p) {
      return new JobSlot(jobId, attempt, p, stop, work, weight);
    }

    JobSlot with(StopReason s) {
      return new JobSlot(jobId, attempt, phase, s, work, weight);
    }
  }

  /** A new state and the slots whose work must be killed now. */
  public record Change(HandlerState state, List<JobSlot> toKill) {}

  public static HandlerState initial(int workers) {
    return new HandlerState(workers, 0, Map.of(), false, false);
  }

  /** Slots a claim may take now: none while drained or stopping. */
  public int freeSlots() {
    return takesWork() ? Math.max(0, workers - reserved - taken()) : 0;
  }

  /** Workers the held attempts take. */
  public int taken() {
    return slots.values().stream().mapToInt(JobSlot::weight).sum();
  }

  /** Whether dispatchers may give it work at all; they are told {@code draining} otherwise. */
  public boolean takesWork() {
    return !drained && !stopping;
  }

  /** How many of {@code max} requested jobs to claim from the table. */
  public int claimable(int max) {
    return Math.max(0, Math.min(max, freeSlots()));
  }

  public HandlerState reserve(int n) {
    if (n > freeSlots()) {
      throw new IllegalStateException("cannot reserve " + n + " slots, " + freeSlots() + " free");
    }
    return new HandlerState(workers, reserved + n, slots, drained, stopping);
  }

  /**
   * A claim of {@code requested} slots returned {@code jobs} (id to attempt, at most requested):
   * the reservation becomes slots. While stopping they are to be given back at once, so they enter
   * as {@link Phase#ENDING} for {@link StopReason#SHUTDOWN}; otherwise they are to be started.
   */
  public HandlerState claimed(int requested, Map<Long, Integer> jobs) {
    if (jobs.size() > requested) {
      throw new IllegalStateException("claimed " + jobs.size() + " jobs for " + requested + " slots");
    }
    Map<Long, JobSlot> next = new LinkedHashMap<>(slots);
    jobs.forEach((id, attempt) -> next.put(id, stopping
        ? new JobSlot(id, attempt, Phase.ENDING, StopReason.SHUTDOWN, null, 1)
        : new JobSlot(id, attempt, Phase.STARTING, StopReason.NONE, null, 1)));
    return new HandlerState(workers, reserved - requested, next, drained, stopping);
  }

  /**
   * A running attempt an earlier incarnation of this handler started, taken over after a restart:
   * it holds a slot like any other, even beyond {@code workers}.
   */
  public HandlerState adopted(long jobId, int attempt, RunningJob work) {
    if (slots.containsKey(jobId)) {
      throw new IllegalStateException("job " + jobId + " already holds a slot");
    }
    Map<Long, JobSlot> next = new LinkedHashMap<>(slots);
    next.put(jobId, new JobSlot(jobId, attempt, Phase.RUNNING, StopReason.NONE, work, work.slots()));
    return new HandlerState(workers, reserved, next, drained, stopping);
  }

  public HandlerState drained(boolean d) {
    return new HandlerState(workers, reserved, slots, d, stopping);
  }

  /** A graceful stop begins: no more claims, and the running attempts may still end by themselves. */
  public HandlerState stopTakingWork() {
    return new HandlerState(workers, reserved, slots, drained, true);
  }

  /**
   * The attempt's work runs; it is killed at once if it was to stop meanwhile, or if the job could
   * not be {@code marked} running because it changed meanwhile (then it ends as a cancel would).
   */
  public Change started(long jobId, RunningJob work, boolean marked) {
    JobSlot slot = require(jobId);
    StopReason stop = marked ? slot.stop() : StopReason.CANCEL;
    JobSlot running = new JobSlot(jobId, slot.attempt(), Phase.RUNNING, stop, work, work.slots());
    return new Change(withSlot(running), stop == StopReason.NONE ? List.of() : List.of(running));
  }

  /**
   * Asks to stop one attempt. A cancel also overrides a shutdown (the job is then deleted, not given
   * back); being disowned overrides everything (the job is no longer this handler's to record). Work is killed once: only a running attempt that was not stopping yet is returned to kill;
   * a starting one is killed when it has started; an ending one is left to finish.
   */
  public Change stop(long jobId, StopReason reason) {
    JobSlot slot = slots.get(jobId);
    if (slot == null || reason == StopReason.NONE || slot.stop() == reason || slot.stop() == StopReason.DISOWNED
        || (slot.stop() == StopReason.CANCEL && reason != StopReason.DISOWNED)) {
      return new Change(this, List.of());
    }
    JobSlot stopped = slot.with(reason);
    boolean kill = slot.phase() == Phase.RUNNING && slot.stop() == StopReason.NONE;
    return new Change(withSlot(stopped), kill ? List.of(stopped) : List.of());
  }

  /** The handler stops now: no more claims, and every attempt is to be given back. */
  public Change stopAll() {
    HandlerState s = stopTakingWork();
    List<JobSlot> toKill = new ArrayList<>();
    for (JobSlot slot : slots.values()) {
      Change c = s.stop(slot.jobId(), StopReason.SHUTDOWN);
      s = c.state();
      toKill.addAll(c.toKill());
    }
    return new Change(s, toKill);
  }

  /**
   * A graceful stop begins: work that outlives the handler (scheduler jobs) is let go of now, for
   * another handler to adopt, rather than waited for; the rest may still end by itself.
   */
  public Change releaseOutliving() {
    HandlerState s = this;
    List<JobSlot> toStop = new ArrayList<>();
    for (JobSlot slot : slots.values()) {
      if (slot.work() != null && slot.work().outlivesHandler()) {
        Change c = s.stop(slot.jobId(), StopReason.SHUTDOWN);
        s = c.state();
        toStop.addAll(c.toKill());
      }
    }
    return new Change(s, toStop);
  }

  /** The attempt's work stopped (or never started); its end is being recorded. */
  public HandlerState ending(long jobId) {
    return withSlot(require(jobId).with(Phase.ENDING));
  }

  /** The attempt's end is recorded: its slot is free. */
  public HandlerState freed(long jobId) {
    Map<Long, JobSlot> next = new LinkedHashMap<>(slots);
    next.remove(jobId);
    return new HandlerState(workers, reserved, next, drained, stopping);
  }

  /** Stopping, and nothing left to give back or wait for. */
  public boolean stopped() {
    return stopping && slots.isEmpty() && reserved == 0;
  }

  public Optional<JobSlot> slot(long jobId) {
    return Optional.ofNullable(slots.get(jobId));
  }

  private JobSlot require(long jobId) {
    JobSlot slot = slots.get(jobId);
    if (slot == null) {
      throw new IllegalStateException("no slot holds job " + jobId);
    }
    return slot;
  }

  private HandlerState withSlot(JobSlot slot) {
    Map<Long, JobSlot> next = new LinkedHashMap<>(slots);
    next.put(slot.jobId(), slot);
    return new HandlerState(workers, reserved, next, drained, stopping);
  }
}
