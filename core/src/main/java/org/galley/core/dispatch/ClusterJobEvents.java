package org.galley.core.dispatch;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.JobsSubmitted;

/** {@link JobEvents} over the cluster: submissions to the pool's dispatcher, cancels on a topic all handlers hear. */
public final class ClusterJobEvents implements JobEvents {
  private final ActorSystem<?> system;
  private final ActorRef<Topic.Command<CancelJob>> cancels;

  public ClusterJobEvents(ActorSystem<?> system, ActorRef<Topic.Command<CancelJob>> cancels) {
    this.system = system;
    this.cancels = cancels;
  }

  /** The topic on which cancels reach every handler; one local topic actor per node. */
  public static ActorRef<Topic.Command<CancelJob>> spawnCancelTopic(ActorSystem<?> system) {
    return system.systemActorOf(Topic.create(CancelJob.class, "job-cancels"), "job-cancels",
        org.apache.pekko.actor.typed.Props.empty());
  }

  @Override
  public void submitted(String pool, int count) {
    PoolDispatcher.of(system, pool).tell(new JobsSubmitted(count));
  }

  @Override
  public void cancelRequested(long jobId, String handler) {
    cancels.tell(Topic.publish(new CancelJob(jobId)));
  }
}
