package org.galley.core.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What must hold for this node to take traffic, by the parts that know: the web part (its
 * database answers), the handler part (Up and registered in its pools). Pekko Management's
 * {@code /ready} asks {@link ReadinessCheck}, which asks this.
 */
public final class Readiness implements Extension {
  private final Map<String, Supplier<CompletionStage<Boolean>>> conditions = new ConcurrentHashMap<>();

  public static final ExtensionId<Readiness> ID = new ExtensionId<>() {
    @Override
    public Readiness createExtension(ActorSystem<?> system) {
      return new Readiness();
    }
  };

  public static Readiness get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Adds (or replaces) a named condition. */
  public void require(String name, Supplier<CompletionStage<Boolean>> condition) {
    conditions.put(name, condition);
  }

  /** True when every condition holds; a node with none registered yet is not ready. */
  public CompletionStage<Boolean> check() {
    if (conditions.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    List<CompletableFuture<Boolean>> all = conditions.values().stream()
        .map(c -> c.get().toCompletableFuture().exceptionally(e -> false)).toList();
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> all.stream().allMatch(CompletableFuture::join));
  }
}
