package org.galley.handler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.galley.core.job.Job;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.JobState;

/**
 * Galaxy's {@code output_size} limit, a child of the {@link HandlerActor}: every
 * {@code output-check-interval} it adds up the working directories of this handler's running jobs
 * and tells the handler of each that holds more than {@code galley.jobs.output-size} bytes, which
 * then kills it; the job ends in error with {@code info} saying why. It owns nothing and reads the
 * table afresh every time. A job may overshoot the limit by what it writes in one interval.
 */
final class OutputSizeWatch {
  private OutputSizeWatch() {}

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private enum Tick implements Command { INSTANCE }

  private record Measured(List<HandlerActor.OutputTooLarge> over, Throwable failure) implements Command {}

  static Behavior<Command> create(ActorRef<HandlerCommand> handler, Attempts attempts, long limitBytes, Duration interval) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Executor blocking = context.getSystem().dispatchers()
          .lookup(DispatcherSelector.fromConfig("galley.blocking-dispatcher"));
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            context.pipeToSelf(CompletableFuture.supplyAsync(() -> overLimit(attempts.held(), limitBytes), blocking),
                Measured::new);
            return Behaviors.same();
          })
          .onMessage(Measured.class, m -> {
            if (m.failure() != null) {
              context.getLog().warn("measuring the output of running jobs failed: {}", m.failure().toString());
            } else {
              m.over().forEach(handler::tell);
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static List<HandlerActor.OutputTooLarge> overLimit(List<Job> held, long limitBytes) {
    List<HandlerActor.OutputTooLarge> out = new ArrayList<>();
    for (Job j : held) {
      if (j.state() == JobState.RUNNING && j.workingDirectory() != null) {
        long size = sizeOf(Path.of(j.workingDirectory()));
        if (size > limitBytes) {
          out.add(new HandlerActor.OutputTooLarge(j.id(), j.attempt(), size));
        }
      }
    }
    return out;
  }

  /** Bytes of the regular files under {@code dir}; files vanishing meanwhile count as nothing. */
  static long sizeOf(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(p -> {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          return a.isRegularFile() ? a.size() : 0;
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }
}
