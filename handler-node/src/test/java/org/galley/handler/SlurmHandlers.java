package org.galley.handler;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.admin.DrainRegistry;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.job.NewJob;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.JobLimits;
import org.galley.core.settings.NodeSettings;
import org.galley.core.settings.StaticHandlers;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolRegistry;
import org.galley.handler.local.LocalRunner;
import org.galley.handler.slurm.SlurmFixture;
import org.galley.handler.slurm.SlurmSettings;
import org.galley.protocol.DispatchProtocol.CancelJob;
import org.galley.protocol.DispatchProtocol.DispatcherCommand;
import org.galley.protocol.DispatchProtocol.JobsClaimable;
import org.galley.protocol.Roles;

/**
 * Handlers on a real Slurm ({@link SlurmFixture}) that claim from the table (db-skip-locked), with
 * Slurm destinations and tools: {@code slurm} (plain), {@code small} → {@code big} on memory,
 * {@code held} (jobs stay pending, {@code --hold}). Every tool asks for little memory, since a job
 * without {@code --mem} takes the whole node under {@code CR_Core_Memory}.
 */
final class SlurmHandlers implements AutoCloseable {
  final SlurmFixture slurm = SlurmFixture.shared();
  final ToolRegistry tools;
  final JobStore store;
  final Path varDir;
  final String pool;
  final String cluster;
  private final List<ActorTestKit> kits = new ArrayList<>();

  SlurmHandlers(JobStore store, Path varDir, String pool) {
    this.store = store;
    this.varDir = varDir;
    this.pool = pool;
    this.cluster = "it" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    String jobs = varDir.resolve("slurm-jobs").toAbsolutePath().toString();
    Config config = ConfigFactory.parseString("""
        galley.destinations {
          slurm { runner = slurm, jobs-dir = "%1$s" }
          small { runner = slurm, jobs-dir = "%1$s", max-mem = 20m,
                  resubmit = [{ condition = memory, destination = big }] }
          big { runner = slurm, jobs-dir = "%1$s", max-mem = 800m }
          held { runner = slurm, jobs-dir = "%1$s", native-specification = "--hold" }
        }
        galley.tools.list += { id = s_echo, version = "1.0", description = "prints its text", destination = slurm,
          resources { mem = 32m }, argv = ["printf", "%%s\\n", "${text}"], parameters = [{ name = text, type = text }] }
        galley.tools.list += { id = s_fail, version = "1.0", description = "exits 3", destination = slurm,
          resources { mem = 32m }, argv = ["sh", "-c", "echo failing >&2; exit 3"], parameters = [] }
        galley.tools.list += { id = s_sleep, version = "1.0", description = "sleeps", destination = slurm,
          resources { mem = 16m }, argv = ["sleep", "${seconds}"], parameters = [{ name = seconds, type = integer }] }
        galley.tools.list += { id = s_wall, version = "1.0", description = "outlives its walltime", destination = slurm,
          resources { mem = 16m, walltime = 1m }, argv = ["sleep", "600"], parameters = [] }
        galley.tools.list += { id = s_mem, version = "1.0", description = "takes 300 MB", destination = small,
          resources { mem = 700m }, argv = ["perl", "-e", "$x = 'a' x 300_000_000; sleep 3; print qq(done\\n)"],
          parameters = [] }
        galley.tools.list += { id = s_held, version = "1.0", description = "never leaves the queue", destination = held,
          resources { mem = 16m }, argv = ["true"], parameters = [] }
        """.formatted(jobs)).withFallback(HandlerHarness.CONFIG).resolve();
    this.tools = ToolRegistry.fromConfig(config);
  }

  /** Starts a handler of this pool named {@code name}; stopped (its Slurm jobs let go of) on close. */
  ActorTestKit start(String name) {
    return startNode(name).kit;
  }

  /** A started handler: its actor system and node. */
  record Started(ActorTestKit kit, HandlerNode node) {}

  Started startNode(String name) {
    ActorTestKit kit = ActorTestKit.create(name, HandlerHarness.CONFIG);
    kits.add(kit);
    var cancels = kit.spawn(Topic.create(CancelJob.class, "galley-cancels"));
    var drains = kit.spawn(Topic.create(DrainRegistry.Drains.class, DrainRegistry.TOPIC));
    ActorRef<Topic.Command<JobsClaimable>> hints = kit.spawn(Topic.create(JobsClaimable.class, "job-hints"));
    ActorRef<DrainRegistry.Command> registry = kit.spawn(Behaviors.receive(DrainRegistry.Command.class)
        .onMessage(DrainRegistry.GetDrains.class, m -> {
          m.replyTo().tell(new DrainRegistry.Drains(Set.of()));
          return Behaviors.same();
        }).build());
    Path dir = varDir.resolve(name);
    NodeSettings node = new NodeSettings(Set.of(Roles.HANDLER), Set.of(pool), name, dir);
    HandlerSettings settings = new HandlerSettings(4, dir.resolve("jobs"), Duration.ofMillis(300), Duration.ofMillis(300),
        Duration.ofSeconds(2), Duration.ofSeconds(8), LocalRunner.ProcessLauncher.PERL, cluster,
        new SlurmSettings(Duration.ofMillis(500), Duration.ofSeconds(10), slurm.env().get("SLURM_CONF")));
    Claiming claiming = new Claiming(List.of(AssignMethod.DB_SKIP_LOCKED), StaticHandlers.NONE, JobLimits.NONE,
        Optional.empty(), Optional.empty(), Duration.ofMillis(200), 100, hints, 3);
    HandlerNode handler = HandlerNode.start(kit.system(), node, settings, store, tools,
        p -> kit.<DispatcherCommand>createTestProbe().ref(), cancels, drains, registry, claiming);
    return new Started(kit, handler);
  }

  /** Stops a handler as SIGTERM would: its Slurm jobs go on, released for adoption. */
  void stop(ActorTestKit kit) {
    kits.remove(kit);
    kit.shutdownTestKit();
  }

  Job submit(String toolId, Map<String, Object> inputs) {
    Tool tool = tools.find(toolId).orElseThrow();
    return store.insert(new NewJob("alice", toolId, tool.version(), ToolRegistry.validate(tool, inputs), pool,
        AssignMethod.DB_SKIP_LOCKED, null));
  }

  /** The Slurm job names of a job's attempts that Slurm ever got (finished ones stay listed for MinJobAge). */
  List<String> submissionsOf(long jobId) throws Exception {
    String prefix = "galley-" + cluster + "-" + jobId + "-";
    return slurm.commands().jobs().values().stream().map(j -> j.name()).filter(n -> n.startsWith(prefix)).toList();
  }

  @Override
  public void close() {
    List.copyOf(kits).forEach(this::stop);
  }
}
