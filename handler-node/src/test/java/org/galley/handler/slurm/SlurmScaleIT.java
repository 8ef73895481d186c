package org.galley.handler.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Submission rate and the cost of one squeue over a full job table. */
@Tag("slow")
class SlurmScaleIT {
  static SlurmCommands commands;

  @BeforeAll
  static void startSlurm() {
    SlurmCommandsIT.startSlurm();
    commands = SlurmCommandsIT.commands;
  }

  @Test
  void submitsAHundredJobsAndRunsThemAll() throws Exception {
    List<Long> ids = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      Path dir = SlurmCommandsIT.jobDir("hundred");
      SlurmScript.write(dir, List.of("true"), Optional.empty(), Map.of());
      ids.add(commands.submit(SlurmCommandsIT.small(dir)));
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("[slurm] 100 sbatch one after another: %.1f s, %.1f submissions/s%n", secs, 100 / secs);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    Map<Long, SlurmJob> jobs = commands.jobs();
    while (!allEnded(ids, jobs) && System.nanoTime() < deadline) {
      Thread.sleep(500); // polling interval of a deadline-bounded wait
      jobs = commands.jobs();
    }
    System.out.printf("[slurm] 100 jobs of `true` submitted and ended after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    for (long id : ids) {
      assertEquals("COMPLETED", jobs.get(id).state(), jobs.get(id).toString());
    }
  }

  private static boolean allEnded(List<Long> ids, Map<Long, SlurmJob> jobs) {
    return ids.stream().allMatch(id -> jobs.containsKey(id) && jobs.get(id).terminal());
  }

  @Test
  void listsAThousandJobsInOneCall() throws Exception {
    Path dir = SlurmCommandsIT.jobDir("bulk");
    SlurmScript.write(dir, List.of("true"), Optional.empty(), Map.of());
    // Held jobs fill the table without taking the node from the other tests.
    Submission held = Submission.of("galley-it-bulk-held", dir).withCpus(1).withMemMb(16)
        .withNativeSpecification("--hold");
    int have = commands.jobs().size();
    int toAdd = Math.max(0, 1000 - have);
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < toAdd; i++) {
        futures.add(pool.submit(() -> commands.submit(held)));
      }
      for (Future<Long> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("[slurm] %d held sbatch on 4 threads: %.1f s, %.1f submissions/s%n", toAdd, secs, toAdd / secs);
    long best = Long.MAX_VALUE;
    int size = 0;
    for (int i = 0; i < 5; i++) {
      long c0 = System.nanoTime();
      size = commands.jobs().size();
      best = Math.min(best, System.nanoTime() - c0);
    }
    System.out.printf("[slurm] jobs() over %d jobs: best of 5 %d ms%n", size, best / 1_000_000);
    assertTrue(size >= 1000, "jobs: " + size);
    CommandRun.Result r = CommandRun.run(List.of("scancel", "--name=galley-it-bulk-held"),
        SlurmCommandsIT.slurm.env(), Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.stderr());
  }
}
