package org.galley.handler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.galley.core.job.Job;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.JobState;

/**
 * The fallback for lost cancel messages, a child of the {@link HandlerActor}: every
 * {@code cancel-check-interval} it reads the jobs the table says this handler holds and tells the
 * handler about those marked {@code deleting}, as Galaxy's handlers poll their stop queue. A lost
 * message thus delays a kill by at most one interval. The same read is the handler's ownership check:
 * the handler learns which attempts the table still gives it ({@link HandlerActor.Held}) and stops
 * those it runs that the table gave to another attempt ({@link OwnershipCheck}). One statement per
 * interval for all its jobs. It owns nothing: it stops and starts again with its handler, and the
 * table is read afresh every time.
 */
final class CancelSweep {
  private CancelSweep() {}

  /** What the sweep accepts; it only talks to itself. */
  sealed interface Command extends NoSerializationVerificationNeeded {}

  private enum Tick implements Command { INSTANCE }

  private record HeldJobsRead(List<Job> jobs, Throwable failure) implements Command {}

  static Behavior<Command> create(ActorRef<HandlerCommand> handler, Attempts attempts, Duration interval) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Executor blocking = context.getSystem().dispatchers()
          .lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            context.pipeToSelf(CompletableFuture.supplyAsync(attempts::held, blocking), HeldJobsRead::new);
            return Behaviors.same();
          })
          .onMessage(HeldJobsRead.class, m -> {
            if (m.failure() != null) {
              context.getLog().warn("reading the jobs this handler holds failed: {}", m.failure().toString());
            } else {
              m.jobs().stream().filter(j -> j.state() == JobState.DELETING)
                  .forEach(j -> handler.tell(new HandlerActor.Deleting(j.id(), j.attempt())));
              java.util.Map<Long, Integer> held = new java.util.HashMap<>();
              m.jobs().forEach(j -> held.put(j.id(), j.attempt()));
              handler.tell(new HandlerActor.Held(held));
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
