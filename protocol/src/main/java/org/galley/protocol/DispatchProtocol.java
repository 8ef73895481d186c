package org.galley.protocol;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Messages between pool dispatchers and handlers, which live on different nodes.
 *
 * <p>Work pulling: a handler tells each pool dispatcher it serves how many slots it has free;
 * the dispatcher asks handlers with free slots to {@link Claim} new jobs of its pool, and the
 * handler claims them in the database itself. A job is thus only ever taken by a handler that
 * is alive at that moment, and a lost message delays work but never strands a job.
 */
public final class DispatchProtocol {
  private DispatchProtocol() {}

  /** What a pool dispatcher accepts. */
  public interface DispatcherCommand extends CborSerializable {}

  /** What a handler accepts from other nodes. Not sealed: the handler adds private messages. */
  public interface HandlerCommand extends CborSerializable {}

  /** Every handler registers under this key too, so web nodes can list them. */
  public static final ServiceKey<HandlerCommand> ALL_HANDLERS = ServiceKey.create(HandlerCommand.class, "handlers");

  /** The key a handler registers under for each pool it serves. */
  public static ServiceKey<HandlerCommand> handlersOf(String pool) {
    return ServiceKey.create(HandlerCommand.class, "handlers-" + pool);
  }

  // ---- to the dispatcher

  /** A web node committed {@code count} new jobs of the dispatcher's pool. */
  public record JobsSubmitted(int count) implements DispatcherCommand {}

  /** A handler's free slots now; {@code draining} handlers are given no work. */
  public record HandlerCapacity(
      ActorRef<HandlerCommand> handler, String serverName, int freeSlots, boolean draining)
      implements DispatcherCommand {}

  /** A handler's answer to {@link Claim}: it took {@code claimed} of {@code requested}. */
  public record ClaimDone(
      ActorRef<HandlerCommand> handler, long ticket, int requested, int claimed, int freeSlots)
      implements DispatcherCommand {}

  // ---- to the handler

  /** Claim up to {@code max} new jobs of {@code pool}, then answer with {@link ClaimDone}. */
  public record Claim(String pool, int max, long ticket, ActorRef<DispatcherCommand> replyTo)
      implements HandlerCommand {}

  /** Answer with {@link HandlerCapacity}; sent by a dispatcher that sees a handler for the first time. */
  public record ReportCapacity(ActorRef<DispatcherCommand> replyTo) implements HandlerCommand {}

  /** The job was marked {@code deleting}: kill its process group if it runs here. */
  public record CancelJob(long jobId) implements HandlerCommand {}

  /**
   * Hint, published on the cluster topic {@code job-hints} by the web node that inserted them: new
   * jobs of {@code pool} wait for handlers that claim from the table themselves (the db-* methods).
   * A lost hint delays them by at most {@code galley.handler.poll-interval}.
   */
  public record JobsClaimable(String pool) implements HandlerCommand {}

  /**
   * Drain or undrain this handler now, and answer with {@link DrainApplied} once no claim of its
   * is in flight: from then on it takes no new job. The drain registry stays the record; this only
   * makes the change take effect before the API answers.
   */
  public record ApplyDrain(boolean drained, ActorRef<DrainApplied> replyTo) implements HandlerCommand {}

  /** The handler applied {@link ApplyDrain}. */
  public record DrainApplied(String serverName, boolean drained) implements CborSerializable {}

  /** Answer with {@link HandlerDescription}. */
  public record Describe(ActorRef<HandlerDescription> replyTo) implements HandlerCommand {}

  /** A handler as {@code GET /api/handlers} shows it. */
  public record HandlerDescription(
      String serverName,
      String address,
      java.util.List<String> pools,
      int workers,
      int running,
      int freeSlots,
      boolean drained,
      long upSinceEpochMillis)
      implements CborSerializable {
    public HandlerDescription {
      pools = java.util.List.copyOf(pools);
    }
  }
}
