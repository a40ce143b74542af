package dev.revenant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An entity's own timers: like Akka's, a timer started again or cancelled never acts on a
 * message its earlier schedule already sent (in the mailbox, or held during a write).
 */
class EntityTimersTest {
  private static final ActorTestKit KIT = ActorTestKit.create("entity-timers");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /** What the actor under test did with a timer's message. */
  record Seen(Object key, boolean accepted) {}

  /**
   * Runs {@code command} (a Runnable given the timers) on the actor's thread; reports each
   * {@link EntityTimers.Fired} with whether the timers accepted it.
   */
  private static Behavior<Object> actor(ActorRef<Seen> probe, EntityTimers[] out) {
    return Behaviors.setup(ctx -> {
      EntityTimers timers = new EntityTimers(ctx);
      out[0] = timers;
      return Behaviors.receive(Object.class)
          .onMessage(EntityTimers.Fired.class, f -> {
            probe.tell(new Seen(f.key(), timers.accept(f)));
            return Behaviors.same();
          })
          .onMessage(Runnable.class, r -> {
            r.run();
            return Behaviors.same();
          })
          .build();
    });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aMessageSentBeforeTheTimerStartedAgainIsNotAccepted() {
    TestProbe<Seen> probe = KIT.createTestProbe();
    EntityTimers[] timers = new EntityTimers[1];
    ActorRef<Object> actor = KIT.spawn(actor(probe.ref(), timers));
    actor.tell((Runnable) () -> {
      timers[0].startSingle("k", Duration.ZERO);
      sleep(500); // its message is sent meanwhile: too late to cancel
      timers[0].startSingle("k", Duration.ofMillis(400));
    });
    assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("k", false));
    assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("k", true));
    actor.tell((Runnable) () -> probe.ref().tell(new Seen("active", timers[0].isActive("k"))));
    assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("active", false));
  }

  @Test
  void aMessageSentBeforeTheTimerWasCancelledIsNotAccepted() {
    TestProbe<Seen> probe = KIT.createTestProbe();
    EntityTimers[] timers = new EntityTimers[1];
    ActorRef<Object> actor = KIT.spawn(actor(probe.ref(), timers));
    actor.tell((Runnable) () -> {
      timers[0].startSingle("a", Duration.ZERO);
      timers[0].startSingle("b", Duration.ZERO);
      sleep(500);
      timers[0].cancel("a");
      timers[0].cancelAll();
    });
    // Sent at the same tick, in either order.
    assertThat(java.util.List.of(probe.receiveMessage(Duration.ofSeconds(5)),
            probe.receiveMessage(Duration.ofSeconds(5))))
        .containsExactlyInAnyOrder(new Seen("a", false), new Seen("b", false));
    probe.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aRepeatingTimerRepeatsUntilCancelled() {
    TestProbe<Seen> probe = KIT.createTestProbe();
    EntityTimers[] timers = new EntityTimers[1];
    ActorRef<Object> actor = KIT.spawn(actor(probe.ref(), timers));
    actor.tell((Runnable) () -> timers[0].startWithFixedDelay("r", Duration.ofMillis(20)));
    for (int i = 0; i < 3; i++) {
      assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("r", true));
    }
    actor.tell((Runnable) () -> {
      sleep(500); // the next one is sent meanwhile
      timers[0].cancel("r");
    });
    probe.fishForMessage(Duration.ofSeconds(5), seen -> {
      assertThat(seen.key()).isEqualTo("r");
      return seen.accepted()
          ? akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore() // sent before the sleep
          : akka.actor.testkit.typed.javadsl.FishingOutcomes.complete();
    });
    probe.expectNoMessage(Duration.ofMillis(200));
  }
}
