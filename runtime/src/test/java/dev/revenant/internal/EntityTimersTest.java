package dev.revenant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An entity's own timers: like Akka's, a timer started again or cancelled never acts on a
 * message its earlier schedule already sent (in the mailbox, or held during a write). Time is
 * Akka's manual test scheduler's: a timer's message is sent when the test moves time on.
 */
class EntityTimersTest {
  private static final ActorTestKit KIT = ActorTestKit.create(ManualTime.config());
  private static final ManualTime TIME = ManualTime.get(KIT.system());

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /** What the actor under test did with a timer's message, or "ran" after a step. */
  record Seen(Object key, boolean accepted) {}

  /**
   * Runs each {@code Consumer<EntityTimers>} it is sent on its thread and then reports "ran";
   * reports each {@link EntityTimers.Fired} with whether the timers accepted it.
   */
  private static ActorRef<Object> actor(TestProbe<Seen> probe) {
    Behavior<Object> behavior = Behaviors.setup(ctx -> {
      EntityTimers timers = new EntityTimers(ctx);
      return Behaviors.receive(Object.class)
          .onMessage(EntityTimers.Fired.class, f -> {
            probe.ref().tell(new Seen(f.key(), timers.accept(f)));
            return Behaviors.same();
          })
          .onMessage(Consumer.class, step -> {
            @SuppressWarnings("unchecked")
            Consumer<EntityTimers> s = step;
            s.accept(timers);
            probe.ref().tell(new Seen("ran", true));
            return Behaviors.same();
          })
          .build();
    });
    return KIT.spawn(behavior);
  }

  private static void run(ActorRef<Object> actor, TestProbe<Seen> probe,
      Consumer<EntityTimers> step) {
    actor.tell(step);
    assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("ran", true));
  }

  /**
   * Runs {@code before}, lets {@code elapsed} pass while the actor is still busy with it (so
   * what the timers send waits in its mailbox), then runs {@code after} in the same message.
   */
  private static void whileBusy(ActorRef<Object> actor, TestProbe<Seen> probe,
      Consumer<EntityTimers> before, Duration elapsed, Consumer<EntityTimers> after)
      throws InterruptedException {
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    actor.tell((Consumer<EntityTimers>) timers -> {
      before.accept(timers);
      busy.countDown();
      try {
        assertThat(go.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      after.accept(timers);
    });
    assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
    TIME.timePasses(elapsed);
    go.countDown();
    assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("ran", true));
  }

  @Test
  void aMessageSentBeforeTheTimerStartedAgainIsNotAccepted() throws InterruptedException {
    TestProbe<Seen> probe = KIT.createTestProbe();
    ActorRef<Object> actor = actor(probe);
    whileBusy(actor, probe, t -> t.startSingle("k", Duration.ofMillis(100)),
        Duration.ofMillis(100), t -> t.startSingle("k", Duration.ofMillis(400)));
    assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("k", false));
    TIME.timePasses(Duration.ofMillis(399));
    probe.expectNoMessage(Duration.ofMillis(100));
    TIME.timePasses(Duration.ofMillis(1));
    assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("k", true));
    run(actor, probe, t -> assertThat(t.isActive("k")).isFalse());
  }

  @Test
  void aMessageSentBeforeTheTimerWasCancelledIsNotAccepted() throws InterruptedException {
    TestProbe<Seen> probe = KIT.createTestProbe();
    ActorRef<Object> actor = actor(probe);
    whileBusy(actor, probe, t -> {
      t.startSingle("a", Duration.ofMillis(100));
      t.startSingle("b", Duration.ofMillis(100));
    }, Duration.ofMillis(100), t -> {
      t.cancel("a");
      t.cancelAll();
    });
    // Sent at the same time, in either order.
    assertThat(List.of(probe.receiveMessage(Duration.ofSeconds(5)),
            probe.receiveMessage(Duration.ofSeconds(5))))
        .containsExactlyInAnyOrder(new Seen("a", false), new Seen("b", false));
    TIME.timePasses(Duration.ofSeconds(1));
    probe.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aRepeatingTimerRepeatsUntilCancelled() throws InterruptedException {
    TestProbe<Seen> probe = KIT.createTestProbe();
    ActorRef<Object> actor = actor(probe);
    run(actor, probe, t -> t.startWithFixedDelay("r", Duration.ofMillis(20)));
    for (int i = 0; i < 3; i++) {
      TIME.timePasses(Duration.ofMillis(20));
      assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("r", true));
    }
    // The next one is sent while the actor is busy cancelling the timer: not accepted.
    whileBusy(actor, probe, t -> { }, Duration.ofMillis(20), t -> t.cancel("r"));
    assertThat(probe.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new Seen("r", false));
    TIME.timePasses(Duration.ofSeconds(1));
    probe.expectNoMessage(Duration.ofMillis(100));
  }
}
