package org.galley.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.galley.core.admin.DrainRegistry.Drains;
import org.galley.core.admin.DrainRegistry.GetDrains;
import org.galley.core.admin.DrainRegistry;
import org.galley.protocol.DispatchProtocol.HandlerCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The drain watch with probes as registry and handler, and a real local topic. */
class DrainWatchTest {
  private static final ActorTestKit KIT = ActorTestKit.create(
      ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final DrainWatch.Timing QUICK = new DrainWatch.Timing(
      Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(300));

  private TestProbe<DrainRegistry.Command> registry;
  private TestProbe<HandlerCommand> handler;
  private ActorRef<Topic.Command<Drains>> topic;
  private ActorRef<DrainWatch.Command> watch;

  @AfterAll
  static void stopKit() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void probes() {
    registry = KIT.createTestProbe();
    handler = KIT.createTestProbe();
    topic = KIT.spawn(Topic.create(Drains.class, "drains"));
  }

  @AfterEach
  void stopWatch() {
    KIT.stop(watch);
    KIT.stop(topic);
  }

  private void startWatch(DrainWatch.Timing timing) {
    watch = KIT.spawn(DrainWatch.create("h", topic, registry.ref(), handler.ref(), timing));
  }

  private GetDrains expectAsk() {
    return registry.expectMessageClass(GetDrains.class, WAIT);
  }

  private void expectStatus(boolean drained) {
    assertEquals(new DrainWatch.Status(drained), handler.expectMessageClass(DrainWatch.Status.class, WAIT));
  }

  private void publish(String... drained) {
    topic.tell(Topic.publish(new Drains(Set.of(drained))));
  }

  @Test
  void asksTheRegistryAgainUntilItAnswersThenFollowsTheTopicForItsOwnName() {
    startWatch(QUICK);
    expectAsk(); // unanswered: the singleton is not up yet
    expectAsk().replyTo().tell(new Drains(Set.of()));
    expectStatus(false);
    expectAsk().replyTo().tell(new Drains(Set.of())); // the one confirmation; it changes nothing
    publish("h");
    expectStatus(true);
    publish("h", "other");
    publish("other");
    expectStatus(false);
    registry.expectNoMessage(Duration.ofMillis(500));
    handler.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void saysNotDrainedWhenTheRegistryStaysSilentAndCorrectsItWhenItAnswers() {
    // The ask stays open past the patience: a registry that is slow, not gone.
    startWatch(new DrainWatch.Timing(Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMillis(500),
        Duration.ofSeconds(30)));
    GetDrains ask = expectAsk();
    expectStatus(false);
    ask.replyTo().tell(new Drains(Set.of("h")));
    expectStatus(true);
  }

  @Test
  void anAnswerSentBeforeALaterTopicMessageIsIgnored() {
    startWatch(QUICK);
    GetDrains ask = expectAsk();
    publish("h");
    expectStatus(true);
    ask.replyTo().tell(new Drains(Set.of())); // the registry's state before the drain
    handler.expectNoMessage(Duration.ofMillis(300));
  }
}
