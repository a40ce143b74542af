package dev.revenant.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.UnhandledMessage;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The group commit behaviour in front of an entity keeps the behaviour below it as a field and
 * answers {@code same}; these tests check that it still passes on what Akka's interceptors pass
 * on: each message to the latest behaviour below, {@code unhandled}, a stop with its
 * {@code PostStop}, a restart's {@code PreRestart}, and held commands as one batch; and that a
 * restart the entity asks for makes a new incarnation, as the restart supervisor did.
 */
class GroupCommitBehaviorTest {
  private static final ActorTestKit KIT = ActorTestKit.create("group-commit-behaviour");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /** Holds commands (strings starting with "c") while {@code holding} is set. */
  private static final class TestGate implements GroupCommitBehavior.Gate {
    final AtomicBoolean holding = new AtomicBoolean();

    @Override
    public boolean holding() {
      return holding.get();
    }

    @Override
    public int pending() {
      return 0;
    }

    @Override
    public boolean isOwnCommand(Object message) {
      return message instanceof String s && s.startsWith("c");
    }

    @Override
    public String describe() {
      return "[test] of type [test]";
    }
  }

  /**
   * A behaviour below that becomes a new behaviour after every message, as Akka Persistence does
   * on each write, and reports what it got under its current name: "unknown" is unhandled,
   * "stop" stops, "boom" throws.
   */
  private static Behavior<Object> named(String name, int generation, ActorRef<String> probe) {
    return named(name, generation, probe, null);
  }

  /** As above; "again" asks {@code stage} for a new incarnation. */
  private static Behavior<Object> named(
      String name, int generation, ActorRef<String> probe, GroupCommitBehavior stage) {
    return Behaviors.receive(Object.class)
        .onMessage(RecoverableEntity.Batch.class, b -> {
          probe.tell(name + generation + " batch " + b.messages());
          return named(name, generation + 1, probe);
        })
        .onMessageEquals("unknown", Behaviors::unhandled)
        .onMessageEquals("stop", Behaviors::stopped)
        .onMessageEquals("boom", () -> {
          throw new IllegalStateException("boom");
        })
        .onMessageEquals("again", () -> {
          probe.tell(name + generation + " again");
          stage.restart();
          return named(name, generation + 1, probe, stage);
        })
        .onMessage(Object.class, m -> {
          probe.tell(name + generation + " " + m);
          return named(name, generation + 1, probe, stage);
        })
        .onSignal(PostStop.class, s -> {
          probe.tell(name + generation + " PostStop");
          return Behaviors.same();
        })
        .onSignal(PreRestart.class, s -> {
          probe.tell(name + generation + " PreRestart");
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Object> staged(
      TestGate gate, String name, ActorRef<String> probe, AtomicReference<GroupCommitBehavior> out) {
    return Behaviors.setup(ctx -> {
      GroupCommitBehavior stage = new GroupCommitBehavior(ctx, 1000, 10,
          s -> new GroupCommitBehavior.Incarnation(gate, named(name, 0, probe)));
      if (out != null) {
        out.set(stage);
      }
      return stage;
    });
  }

  @Test
  void eachMessageReachesTheLatestBehaviourBelowAndHeldCommandsComeAsOneBatch() {
    TestProbe<String> probe = KIT.createTestProbe();
    TestGate gate = new TestGate();
    ActorRef<Object> actor = KIT.spawn(staged(gate, "a", probe.ref(), null));
    actor.tell("x");
    probe.expectMessage("a0 x");
    actor.tell("c1");
    probe.expectMessage("a1 c1");

    gate.holding.set(true);
    actor.tell("c2");
    actor.tell("c3");
    actor.tell("y"); // not a command: passes at once
    probe.expectMessage("a2 y");
    gate.holding.set(false);
    actor.tell("z"); // after it, the held commands come as one batch, in order
    probe.expectMessage("a3 z");
    probe.expectMessage("a4 batch [c2, c3]");
    actor.tell("c4");
    probe.expectMessage("a5 c4");
  }

  @Test
  void anUnhandledMessageIsPublishedAndTheBehaviourBelowStays() {
    TestProbe<String> probe = KIT.createTestProbe();
    TestProbe<UnhandledMessage> unhandled = KIT.createTestProbe();
    KIT.system().eventStream().tell(
        new EventStream.Subscribe<>(UnhandledMessage.class, unhandled.ref()));
    ActorRef<Object> actor = KIT.spawn(staged(new TestGate(), "u", probe.ref(), null));
    actor.tell("x");
    probe.expectMessage("u0 x");
    actor.tell("unknown");
    assertThat(unhandled.expectMessageClass(UnhandledMessage.class).getMessage())
        .isEqualTo("unknown");
    actor.tell("y");
    probe.expectMessage("u1 y");
  }

  @Test
  void aStopBelowStopsTheActorAndPostStopReachesTheLastBehaviour() {
    TestProbe<String> probe = KIT.createTestProbe();
    TestGate gate = new TestGate();
    ActorRef<Object> actor = KIT.spawn(staged(gate, "s", probe.ref(), null));
    actor.tell("x");
    probe.expectMessage("s0 x");
    gate.holding.set(true);
    actor.tell("c1"); // held, never handled: dropped with a warning at the stop
    actor.tell("y");
    probe.expectMessage("s1 y");
    gate.holding.set(false);
    actor.tell("stop");
    probe.expectMessage("s2 PostStop");
    probe.expectNoMessage(Duration.ofMillis(200));
    probe.expectTerminated(actor, Duration.ofSeconds(5));
  }

  @Test
  void aRestartSignalsPreRestartToTheLatestBehaviourAndStartsAfresh() {
    TestProbe<String> probe = KIT.createTestProbe();
    ActorRef<Object> actor = KIT.spawn(Behaviors.supervise(
            staged(new TestGate(), "r", probe.ref(), null))
        .onFailure(IllegalStateException.class, SupervisorStrategy.restart()
            .withLoggingEnabled(false)));
    actor.tell("x");
    probe.expectMessage("r0 x");
    actor.tell("y");
    probe.expectMessage("r1 y");
    actor.tell("boom");
    probe.expectMessage("r2 PreRestart");
    actor.tell("z");
    probe.expectMessage("r0 z");
  }

  @Test
  void aRestartTheEntityAsksForSignalsPreRestartAndMakesANewIncarnationThatGetsWhatIsHeld() {
    TestProbe<String> probe = KIT.createTestProbe();
    TestGate first = new TestGate();
    TestGate second = new TestGate();
    AtomicInteger incarnations = new AtomicInteger();
    ActorRef<Object> actor = KIT.spawn(Behaviors.setup(ctx -> new GroupCommitBehavior(
        ctx, 1000, 10, stage -> {
          int n = incarnations.getAndIncrement();
          return new GroupCommitBehavior.Incarnation(
              n == 0 ? first : second, named("i" + n + "-", 0, probe.ref(), stage));
        })));
    actor.tell("x");
    probe.expectMessage("i0-0 x");
    first.holding.set(true);
    actor.tell("c1"); // held: the first incarnation never gets it
    actor.tell("again");
    probe.expectMessage("i0-1 again");
    probe.expectMessage("i0-2 PreRestart");
    // The new incarnation's gate decides: not holding, so what was held comes as a batch.
    probe.expectMessage("i1-0 batch [c1]");
    actor.tell("c2");
    probe.expectMessage("i1-1 c2");
    probe.expectNoMessage(Duration.ofMillis(200));
    assertThat(incarnations.get()).isEqualTo(2);
  }

  @Test
  void askedForASequenceNumberWithoutAkkaPersistenceBelowItSaysSo() {
    TestProbe<String> probe = KIT.createTestProbe();
    AtomicReference<GroupCommitBehavior> stage = new AtomicReference<>();
    ActorRef<Object> actor = KIT.spawn(staged(new TestGate(), "q", probe.ref(), stage));
    actor.tell("x");
    probe.expectMessage("q0 x");
    assertThatThrownBy(() -> stage.get().lastSequenceNumber())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no sequence number in the entity's behaviour");
  }
}
