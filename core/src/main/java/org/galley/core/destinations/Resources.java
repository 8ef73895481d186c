package org.galley.core.destinations;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a tool asks of the place its job runs: cores, memory and walltime (Galaxy's
 * GALAXY_SLOTS, GALAXY_MEMORY_MB and walltime). A value not asked for stays empty, so the runner
 * or scheduler applies its own default rather than one made up here.
 *
 * @param memMb memory in MiB (HOCON's {@code m}/{@code g} are binary, as is Slurm's {@code --mem})
 */
public record Resources(int cores, OptionalLong memMb, Optional<Duration> walltime) {

  /** One core, nothing else asked for: a tool without {@code resources}. */
  public static final Resources NONE = new Resources(1, OptionalLong.empty(), Optional.empty());

  public Resources {
    Objects.requireNonNull(memMb, "memMb");
    Objects.requireNonNull(walltime, "walltime");
  }

  /**
   * This request lowered to the destination's maxima, so a tool asking for more than a
   * destination gives still runs there rather than waiting forever in the scheduler's queue.
   * Values not requested stay empty: a maximum is a cap, not a reservation.
   */
  public Resources clampedTo(Destination d) {
    int c = d.maxCores().isPresent() ? Math.min(cores, d.maxCores().getAsInt()) : cores;
    OptionalLong m = memMb.isPresent() && d.maxMemMb().isPresent()
        ? OptionalLong.of(Math.min(memMb.getAsLong(), d.maxMemMb().getAsLong()))
        : memMb;
    Optional<Duration> w = walltime.isPresent() && d.maxWalltime().isPresent()
        && walltime.get().compareTo(d.maxWalltime().get()) > 0 ? d.maxWalltime() : walltime;
    return new Resources(c, m, w);
  }

  @Override
  public String toString() {
    return "cores=" + cores
        + (memMb.isPresent() ? " mem=" + memMb.getAsLong() + "MB" : "")
        + walltime.map(w -> " walltime=" + w).orElse("");
  }
}
