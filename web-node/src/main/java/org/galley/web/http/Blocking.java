package org.galley.web.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs JDBC and file calls on {@code galley.blocking-dispatcher}, so that Pekko HTTP's threads,
 * which serve every connection, never wait on a socket or a disk.
 */
public final class Blocking {
  private final Executor executor;

  public Blocking(Executor executor) {
    this.executor = executor;
  }

  public <T> CompletionStage<T> call(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }
}
