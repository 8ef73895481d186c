package org.galley.web.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.NewJob;

/**
 * Group commit of submissions: requests that arrive while a write is under way wait for the next
 * one and share its single multi-row INSERT ({@link JobStore#insertAll}). A lone submission is
 * written at once (no timer), so a quiet node answers as fast as before; a busy one writes far fewer,
 * larger statements. A submission is answered only after the statement that holds it committed;
 * a failed statement wrote none of its jobs, and every submission in it fails (503).
 */
public final class JobIntake {
  /** Most jobs in one statement; a batch submit of more is written alone. */
  static final int MAX_JOBS_PER_WRITE = 1_000;
  /** Writes under way at once: one fills the next batch while the other waits on the database. */
  static final int MAX_WRITES = 2;

  private record Pending(List<NewJob> jobs, CompletableFuture<List<Job>> done) {}

  private final JobStore store;
  private final Executor blocking;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger writes = new AtomicInteger();

  public JobIntake(JobStore store, Executor blocking) {
    this.store = store;
    this.blocking = blocking;
  }

  /** Writes the jobs, all or none; completes with them as inserted, in the order given. */
  CompletionStage<List<Job>> submit(List<NewJob> jobs) {
    Pending p = new Pending(List.copyOf(jobs), new CompletableFuture<>());
    queue.add(p);
    startWrites();
    return p.done();
  }

  private void startWrites() {
    while (!queue.isEmpty()) {
      int w = writes.get();
      if (w >= MAX_WRITES) {
        return; // a write under way starts the next when it ends
      }
      if (writes.compareAndSet(w, w + 1)) {
        try {
          blocking.execute(this::write);
        } catch (RuntimeException e) {
          writes.decrementAndGet();
          failAll(e);
          return;
        }
      }
    }
  }

  private void write() {
    try {
      List<Pending> batch = new ArrayList<>();
      int n = 0;
      Pending p;
      while ((batch.isEmpty() || n + sizeOfHead() <= MAX_JOBS_PER_WRITE) && (p = queue.poll()) != null) {
        batch.add(p);
        n += p.jobs().size();
      }
      if (!batch.isEmpty()) {
        write(batch, n);
      }
    } finally {
      writes.decrementAndGet();
      startWrites();
    }
  }

  private int sizeOfHead() {
    Pending head = queue.peek();
    return head == null ? 0 : head.jobs().size();
  }

  private void write(List<Pending> batch, int n) {
    List<NewJob> all = new ArrayList<>(n);
    batch.forEach(p -> all.addAll(p.jobs()));
    List<Job> inserted;
    try {
      inserted = store.insertAll(all);
    } catch (RuntimeException e) {
      batch.forEach(p -> p.done().completeExceptionally(e));
      return;
    }
    int from = 0;
    for (Pending p : batch) {
      p.done().complete(inserted.subList(from, from + p.jobs().size()));
      from += p.jobs().size();
    }
  }

  private void failAll(RuntimeException e) {
    Pending p;
    while ((p = queue.poll()) != null) {
      p.done().completeExceptionally(e);
    }
  }
}
