package dev.revenant;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.DeadLetter;
import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Adapter;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.revenant.journal.InMemoryJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The engine against the in-memory test journal: group commit, failures, replay. */
class EngineTest extends InMemoryEntityTest {
  private String pid() {
    return "counter|" + id;
  }

  private ActorRef<Counter.Msg> spawn(CheckpointPolicy policy) {
    return kit.spawn(Counter.behavior(policy).create(id));
  }

  private Counter.State state(ActorRef<Counter.Msg> entity) {
    TestProbe<Counter.State> p = kit.createTestProbe();
    entity.tell(new Counter.Get(p.ref()));
    return p.receiveMessage(Duration.ofSeconds(10));
  }

  @Test
  void messagesSentWithoutWaitingAreAppliedInOrderInFewWrites() {
    ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.everyMessages(100_000));
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    for (long i = 1; i <= 1000; i++) {
      entity.tell(new Counter.Add(i, probe.ref()));
    }
    long total = 0;
    for (long i = 1; i <= 1000; i++) {
      total += i;
      Counter.Reply r = probe.receiveMessage(Duration.ofSeconds(10));
      assertThat(r.total()).as("reply %d", i).isEqualTo(total);
      assertThat(r.sequenceNr()).isEqualTo(i);
    }
    int writes = InMemoryJournal.writes(pid());
    System.out.println("group commit: 1000 messages took " + writes + " journal writes");
    assertThat(InMemoryJournal.storedEvents(pid())).isEqualTo(1000);
    assertThat(writes).isGreaterThan(0).isLessThanOrEqualTo(100);
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= 1000; i++) {
      expected.add(i);
    }
    assertThat(state(entity).added()).isEqualTo(expected);
  }

  @Test
  void aMessageWhoseHandlerThrowsIsNotLoggedAndTheEntityCarriesOn() {
    ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.DEFAULT);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    entity.tell(new Counter.Add(5, probe.ref()));
    assertThat(probe.receiveMessage().total()).isEqualTo(5);
    entity.tell(new Counter.Boom(probe.ref()));
    entity.tell(new Counter.Add(7, probe.ref()));
    Counter.Reply after = probe.receiveMessage(Duration.ofSeconds(5));
    assertThat(after.total()).isEqualTo(12);
    assertThat(after.sequenceNr()).isEqualTo(2);
    probe.expectNoMessage(Duration.ofMillis(200));
    List<Object> logged = InMemoryJournal.storedPayloads(Adapter.toClassic(kit.system()), pid());
    assertThat(logged).hasSize(2);
    assertThat(logged).allSatisfy(e ->
        assertThat(((dev.revenant.internal.MessageEnvelope) e).message())
            .isInstanceOf(Counter.Add.class));
  }

  @Test
  void aMessageThatCannotBeSerializedIsRejectedAloneAndNothingLoggedIsHarmed() {
    ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.DEFAULT);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    entity.tell(new Counter.Add(1, probe.ref()));
    entity.tell(new Counter.Poison("x", probe.ref()));
    entity.tell(new Counter.Add(2, probe.ref()));
    assertThat(probe.receiveMessage().total()).isEqualTo(1);
    assertThat(probe.receiveMessage().total()).isEqualTo(3);
    probe.expectNoMessage(Duration.ofMillis(200));
    assertThat(InMemoryJournal.storedEvents(pid())).isEqualTo(2);
    assertThat(state(entity).total()).isEqualTo(3);
  }

  @Test
  void aFailedWriteReleasesNothingOfItsBatchAndTheEntityRecovers() {
    TestProbe<RecoveryReport> reports = recoveries();
    ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.DEFAULT);
    awaitRecovery(reports);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    entity.tell(new Counter.Add(1, probe.ref()));
    assertThat(probe.receiveMessage().total()).isEqualTo(1);

    InMemoryJournal.failNextWrites(pid(), 1);
    entity.tell(new Counter.Add(2, probe.ref()));
    RecoveryReport again = awaitRecovery(reports);
    assertThat(again.highestSequenceNr()).isEqualTo(1);
    probe.expectNoMessage(Duration.ofMillis(300));

    entity.tell(new Counter.Add(3, probe.ref()));
    Counter.Reply r = probe.receiveMessage(Duration.ofSeconds(10));
    assertThat(r.total()).isEqualTo(4);
    assertThat(r.sequenceNr()).isEqualTo(2);
    assertThat(state(entity).added()).containsExactly(1L, 3L);
  }

  @Test
  void replayGivesTheSameValuesAndSendsNoReplies() {
    TestProbe<RecoveryReport> reports = recoveries();
    ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.DEFAULT);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    for (int i = 0; i < 3; i++) {
      entity.tell(new Counter.Draw(probe.ref()));
      probe.receiveMessage();
    }
    entity.tell(new Counter.Add(4, probe.ref()));
    probe.receiveMessage();
    Counter.State before = state(entity);
    assertThat(before.draws()).hasSize(3);
    assertThat(new HashSet<>(before.draws())).hasSize(3);
    for (String d : before.draws()) {
      String[] parts = d.split("/");
      assertThat(UUID.fromString(parts[3]).version()).isEqualTo(4);
      assertThat(parts[3]).isNotEqualTo(parts[4]);
    }

    kit.stop(entity);
    awaitRecovery(reports);
    ActorRef<Counter.Msg> again = spawn(CheckpointPolicy.DEFAULT);
    RecoveryReport report = awaitRecovery(reports);
    assertThat(report.messagesReplayed()).isEqualTo(5); // 3 draws, 1 add, 1 get: all logged
    assertThat(state(again)).isEqualTo(before);
    probe.expectNoMessage(Duration.ofMillis(300)); // the same probe got nothing from the replay
  }

  @Test
  void snapshotsBoundTheReplay() {
    TestProbe<RecoveryReport> reports = recoveries();
    CheckpointPolicy policy = CheckpointPolicy.everyMessages(100);
    ActorRef<Counter.Msg> entity = spawn(policy);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    for (int i = 1; i <= 350; i++) {
      entity.tell(new Counter.Add(1, probe.ref()));
    }
    for (int i = 1; i <= 350; i++) {
      probe.receiveMessage(Duration.ofSeconds(10));
    }
    awaitRecovery(reports);
    kit.stop(entity);
    ActorRef<Counter.Msg> again = spawn(policy);
    RecoveryReport report = awaitRecovery(reports);
    assertThat(report.snapshotSequenceNr()).isEqualTo(300);
    assertThat(report.messagesReplayed()).isEqualTo(50);
    // After the snapshot at 300, keeping 2 snapshots of every 100: entries up to 100 are gone.
    assertThat(InMemoryJournal.storedEvents(pid())).isEqualTo(250);
    assertThat(state(again).total()).isEqualTo(350);
  }

  @Test
  void aDurableTimerFiresAndSurvivesARestart() {
    TestProbe<RecoveryReport> reports = recoveries();
    ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.DEFAULT);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    entity.tell(new Counter.Later(5, 100, probe.ref()));
    assertThat(probe.receiveMessage().total()).isEqualTo(0);
    assertThat(probe.receiveMessage(Duration.ofSeconds(5)).total()).isEqualTo(5);

    entity.tell(new Counter.Later(7, 1500, probe.ref()));
    assertThat(probe.receiveMessage().total()).isEqualTo(5);
    awaitRecovery(reports);
    kit.stop(entity);
    spawn(CheckpointPolicy.DEFAULT);
    awaitRecovery(reports);
    Counter.Reply fired = probe.receiveMessage(Duration.ofSeconds(10));
    assertThat(fired.total()).isEqualTo(12);
  }

  @Test
  void aTimerStartedAgainBeforeItFiresFiresOnceWithTheLaterSchedule() {
    ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.DEFAULT);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    entity.tell(new Counter.Later(5, 300, probe.ref()));
    assertThat(probe.receiveMessage().total()).isEqualTo(0);
    entity.tell(new Counter.Later(7, 1500, probe.ref())); // same key: replaces the first
    assertThat(probe.receiveMessage().total()).isEqualTo(0);
    // The first schedule's message (due at 300 ms) does nothing: not its own, nor the second's.
    probe.expectNoMessage(Duration.ofMillis(1000));
    assertThat(probe.receiveMessage(Duration.ofSeconds(5)).total()).isEqualTo(7);
    probe.expectNoMessage(Duration.ofMillis(300));
    assertThat(state(entity).total()).isEqualTo(7);
  }

  @Test
  void aStoppedEntitysTimersSendNothing() {
    TestProbe<Object> timerDeadLetters = kit.createTestProbe();
    ActorRef<DeadLetter> filter = kit.spawn(Behaviors.receive(DeadLetter.class)
        .onMessage(DeadLetter.class, d -> {
          if (d.message().getClass().getName().contains("EntityTimers")) {
            timerDeadLetters.ref().tell(d.message());
          }
          return Behaviors.same();
        })
        .build());
    kit.system().eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class, filter));
    ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.DEFAULT);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    entity.tell(new Counter.Later(5, 300, probe.ref()));
    assertThat(probe.receiveMessage().total()).isEqualTo(0);
    kit.stop(entity);
    // Not cancelled at the stop, the timer's message would reach the entity as a dead letter.
    timerDeadLetters.expectNoMessage(Duration.ofMillis(800));
    kit.system().eventStream().tell(new EventStream.Unsubscribe<>(filter));
  }

  @Test
  void theHandlerLoggerIsSilentDuringReplay() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(dev.revenant.internal.RecoverableEntity.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      TestProbe<RecoveryReport> reports = recoveries();
      ActorRef<Counter.Msg> entity = spawn(CheckpointPolicy.DEFAULT);
      TestProbe<Counter.Reply> probe = kit.createTestProbe();
      entity.tell(new Counter.Draw(probe.ref()));
      entity.tell(new Counter.Draw(probe.ref()));
      probe.receiveMessage();
      probe.receiveMessage();
      awaitRecovery(reports);
      kit.stop(entity);
      spawn(CheckpointPolicy.DEFAULT);
      assertThat(awaitRecovery(reports).messagesReplayed()).isEqualTo(2);
      long drew =
          appender.list.stream().filter(e -> e.getFormattedMessage().startsWith("drew ")).count();
      assertThat(drew).isEqualTo(2);
    } finally {
      logger.detachAppender(appender);
    }
  }

  record Unwritable(@JsonSerialize(using = Counter.Refuse.class) Object x)
      implements JournalSerializable {}

  @Test
  void anInitialStateThatCannotBeSerializedStopsTheEntityBeforeAnythingIsLogged() {
    RecoverableBehavior<Counter.Msg, Unwritable> bad =
        Recoverable.define("unwritable", Counter.Msg.class, new Unwritable("x"))
            .on(Counter.Msg.class, (s, m, ctx) -> s)
            .build();
    TestProbe<Object> watcher = kit.createTestProbe();
    ActorRef<Counter.Msg> ref = kit.spawn(bad.create("u1"));
    watcher.expectTerminated(ref, Duration.ofSeconds(5));
    assertThat(InMemoryJournal.storedEvents("unwritable|u1")).isZero();
  }
}
