package org.galley.handler.slurm;

import java.time.Duration;
import java.util.function.Predicate;

/** Polls squeue until a job satisfies a condition or a deadline passes. */
final class SlurmWait {
  private SlurmWait() {}

  static SlurmJob job(SlurmCommands commands, long id, Duration max, Predicate<SlurmJob> condition)
      throws SlurmException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    SlurmJob last = null;
    while (true) {
      last = commands.jobs().get(id);
      if (last != null && condition.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job " + id + " not as expected within " + max + "; last seen: " + last);
      }
      Thread.sleep(200); // polling interval of a deadline-bounded wait
    }
  }
}
