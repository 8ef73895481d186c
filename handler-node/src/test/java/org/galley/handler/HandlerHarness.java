package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.admin.DrainRegistry;
import org.galley.core.cluster.FastStop;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.NewJob;
import org.galley.core.settings.NodeSettings;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolRegistry;
import org.galley.handler.local.LocalRunner;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.Claim;
import org.galley.protocol.DispatchProtocol.ClaimDone;
import org.galley.protocol.DispatchProtocol.Describe;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.HandlerCapacity;
import org.galley.protocol.DispatchProtocol.HandlerDescription;
import org.galley.protocol.JobState;
import org.galley.protocol.Roles;

/**
 * One handler node on its own local actor system, a pool of its own in a shared test database,
 * and probes in the dispatcher's place: {@code announcements} gets what the handler sends to
 * {@code dispatcherFor} (at start, on a drain or undrain, on stop), {@code dispatcher} is the replyTo of the claims sent here.
 */
final class HandlerHarness implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(15);

  /** Local provider and every message serialized, as if it crossed JVMs. Adds a tool with a 1 s walltime. */
  static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.provider = local
      pekko.actor.serialize-messages = on
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      pekko.coordinated-shutdown.phases.service-requests-done.timeout = 20s
      galley.tools.list += {
        id = nap, version = "1.0", description = "sleeps past its walltime", walltime = 1s
        argv = ["sleep", "${seconds}"]
        parameters = [{ name = seconds, type = integer, default = 100 }]
      }
      galley.tools.list += {
        id = gate, version = "1.0", description = "runs until a file named go appears in its directory"
        argv = ["sh", "-c", "while [ ! -e go ]; do sleep 0.02; done; echo passed"]
        parameters = []
      }
      """).withFallback(ConfigFactory.load()).resolve();

  static final ToolRegistry TOOLS = ToolRegistry.fromConfig(CONFIG);

  final JobStore store;
  final String serverName;
  final String pool;
  final int workers;
  final ActorTestKit kit;
  final TestProbe<DispatcherCommand> announcements;
  final TestProbe<DispatcherCommand> dispatcher;
  final ActorRef<Topic.Command<CancelJob>> cancels;
  final ActorRef<Topic.Command<DrainRegistry.Drains>> drainsTopic;
  /** What the fake drain registry answers to GetDrains. */
  final AtomicReference<Set<String>> drained;
  final HandlerSettings settings;
  final HandlerNode node;
  private long tickets;

  HandlerHarness(JobStore store, Path varDir, String name, int workers, Duration cancelCheckInterval) {
    this(store, varDir, name, workers, cancelCheckInterval, Duration.ofSeconds(5), Set.of());
  }

  /**
   * @param shutdownGrace how long a graceful stop waits for running jobs
   * @param drained the handlers the drain registry says are drained when the handler starts
   */
  HandlerHarness(JobStore store, Path varDir, String name, int workers, Duration cancelCheckInterval,
      Duration shutdownGrace, Set<String> drained) {
    this.store = store;
    this.serverName = name;
    this.pool = "pool-" + name;
    this.workers = workers;
    this.kit = ActorTestKit.create(name, CONFIG);
    this.announcements = kit.createTestProbe();
    this.dispatcher = kit.createTestProbe();
    this.cancels = kit.spawn(Topic.create(CancelJob.class, "galley-cancels"));
    this.drainsTopic = kit.spawn(Topic.create(DrainRegistry.Drains.class, DrainRegistry.TOPIC));
    this.drained = new AtomicReference<>(Set.copyOf(drained));
    ActorRef<DrainRegistry.Command> registry = kit.spawn(Behaviors.receive(DrainRegistry.Command.class)
        .onMessage(DrainRegistry.GetDrains.class, m -> {
          m.replyTo().tell(new DrainRegistry.Drains(this.drained.get()));
          return Behaviors.same();
        })
        .build());
    NodeSettings node = new NodeSettings(Set.of(Roles.HANDLER), Set.of(pool), name, varDir);
    this.settings = new HandlerSettings(workers, varDir.resolve("jobs"), cancelCheckInterval, Duration.ofMillis(300),
        shutdownGrace, Duration.ofSeconds(8), LocalRunner.ProcessLauncher.PERL);
    this.node = HandlerNode.start(kit.system(), node, settings, store, TOOLS, p -> announcements.ref(), cancels,
        drainsTopic, registry);
  }

  /** Waits for the handler's first announcement: it has recovered and takes work from now on. */
  void awaitTakingWork() {
    announcements.expectMessageClass(HandlerCapacity.class, DEADLINE);
  }

  /** Drains or undrains this handler as the registry would: its answer, then the topic. */
  void setDrained(boolean on) {
    drained.set(on ? Set.of(serverName) : Set.of());
    drainsTopic.tell(Topic.publish(new DrainRegistry.Drains(drained.get())));
  }

  HandlerDescription describe() {
    TestProbe<HandlerDescription> probe = kit.createTestProbe();
    node.handler().tell(new Describe(probe.ref()));
    return probe.expectMessageClass(HandlerDescription.class, DEADLINE);
  }

  /** Lets a running gate job pass: it ends ok. */
  void openGate(long id) throws IOException {
    Files.writeString(Path.of(await(id, JobState.RUNNING).workingDirectory()).resolve("go"), "");
  }

  /** Inserts a job of this harness's pool with inputs checked as a web node would. */
  Job submit(String toolId, Map<String, Object> inputs) {
    Tool tool = TOOLS.find(toolId).orElseThrow();
    return store.insert(new NewJob("alice", toolId, tool.version(), ToolRegistry.validate(tool, inputs), pool));
  }

  /** Sends a claim as the dispatcher would and returns the handler's answer. */
  ClaimDone claim(int max) {
    long ticket = ++tickets;
    node.handler().tell(new Claim(pool, max, ticket, dispatcher.ref()));
    List<DispatcherCommand> got = dispatcher.fishForMessage(DEADLINE,
        m -> m instanceof ClaimDone ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    ClaimDone done = (ClaimDone) got.get(got.size() - 1);
    assertEquals(ticket, done.ticket());
    assertEquals(node.handler(), done.handler());
    return done;
  }

  /** Waits until the handler reports a free slot. */
  void awaitFreeSlot() {
    dispatcher.fishForMessage(DEADLINE, m -> m instanceof HandlerCapacity c && c.freeSlots() > 0
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

  HandlerCapacity expectCapacity() {
    return dispatcher.expectMessageClass(HandlerCapacity.class, DEADLINE);
  }

  Job job(long id) {
    return store.find(id).orElseThrow();
  }

  /** Polls the table until the job is in {@code state}. */
  Job await(long id, JobState state) {
    Eventually.within(DEADLINE, () -> assertEquals(state, job(id).state(), "job " + id));
    return job(id);
  }

  /** The process group of a running job, from the table. */
  long pgid(long id) {
    return Long.parseLong(await(id, JobState.RUNNING).externalId());
  }

  void publishCancel(long id) {
    cancels.tell(Topic.publish(new CancelJob(id)));
  }

  /** Runs coordinated shutdown and waits for it to end. */
  void shutdown(CoordinatedShutdown.Reason reason) throws Exception {
    CoordinatedShutdown.get(kit.system()).runAll(reason).toCompletableFuture()
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  /** Stops the actor system, which stops the handler first: at once, as on Ctrl-C. */
  @Override
  public void close() {
    CoordinatedShutdown.get(kit.system()).runAll(FastStop.INSTANCE);
    kit.shutdownTestKit();
  }
}
