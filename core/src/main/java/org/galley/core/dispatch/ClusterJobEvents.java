package org.galley.core.dispatch;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.settings.AssignMethod;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.galley.protocol.DispatchProtocol.JobsClaimable;
import org.galley.protocol.DispatchProtocol.JobsSubmitted;

/**
 * {@link JobEvents} over the cluster: cluster-method submissions to the pool's dispatcher, hints for
 * the db-* methods on a topic every handler hears (mem-self jobs straight to this node's handler, in
 * memory), cancels on a topic all handlers hear.
 */
public final class ClusterJobEvents implements JobEvents {
  private final ActorSystem<?> system;
  private final ActorRef<Topic.Command<CancelJob>> cancels;
  private final ActorRef<Topic.Command<JobsClaimable>> hints;
  private volatile ActorRef<HandlerCommand> localHandler;

  public ClusterJobEvents(ActorSystem<?> system, ActorRef<Topic.Command<CancelJob>> cancels,
      ActorRef<Topic.Command<JobsClaimable>> hints) {
    this.system = system;
    this.cancels = cancels;
    this.hints = hints;
  }

  /** The topic on which cancels reach every handler; one local topic actor per node. */
  public static ActorRef<Topic.Command<CancelJob>> spawnCancelTopic(ActorSystem<?> system) {
    return system.systemActorOf(Topic.create(CancelJob.class, "job-cancels"), "job-cancels", Props.empty());
  }

  /** The topic on which web nodes tell handlers that db-* jobs wait; one local topic actor per node. */
  public static ActorRef<Topic.Command<JobsClaimable>> spawnHintTopic(ActorSystem<?> system) {
    return system.systemActorOf(Topic.create(JobsClaimable.class, "job-hints"), "job-hints", Props.empty());
  }

  /** This node's handler, for mem-self: told in memory, without the topic. */
  public void localHandler(ActorRef<HandlerCommand> handler) {
    this.localHandler = handler;
  }

  @Override
  public void submitted(String pool, int count) {
    PoolDispatcher.of(system, pool).tell(new JobsSubmitted(count));
  }

  @Override
  public void claimable(String pool, AssignMethod method) {
    ActorRef<HandlerCommand> local = localHandler;
    if (method == AssignMethod.MEM_SELF && local != null) {
      local.tell(new JobsClaimable(pool));
    } else {
      hints.tell(Topic.publish(new JobsClaimable(pool)));
    }
  }

  @Override
  public void cancelRequested(long jobId, String handler) {
    cancels.tell(Topic.publish(new CancelJob(jobId)));
  }
}
