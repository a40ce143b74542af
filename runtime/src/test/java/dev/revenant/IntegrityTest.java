package dev.revenant;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import akka.testkit.javadsl.TestKit;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.ConfigFactory;
import dev.revenant.internal.MessageEnvelope;
import dev.revenant.journal.InMemoryJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/** Damaged logs and snapshots: detected on replay, never turned into a wrong state. */
class IntegrityTest extends InMemoryEntityTest {
  private void addAll(ActorRef<Counter.Msg> entity, int n) {
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    for (int i = 0; i < n; i++) {
      entity.tell(new Counter.Add(1, probe.ref()));
    }
    for (int i = 0; i < n; i++) {
      probe.receiveMessage(Duration.ofSeconds(10));
    }
  }

  private void expectStoppedWithoutAnswering(ActorRef<Counter.Msg> entity) {
    TestProbe<Counter.State> probe = kit.createTestProbe();
    entity.tell(new Counter.Get(probe.ref()));
    probe.expectTerminated(entity, Duration.ofSeconds(10));
    probe.expectNoMessage(Duration.ofMillis(200));
  }

  /** Logs five additions to the counter {@code id} and stops it. */
  private void logFiveAndStop() {
    TestProbe<RecoveryReport> reports = recoveries();
    ActorRef<Counter.Msg> entity = kit.spawn(Counter.behavior(CheckpointPolicy.DEFAULT).create(id));
    addAll(entity, 5);
    awaitRecovery(reports);
    kit.stop(entity);
  }

  @Test
  void aGapInTheLogStopsTheEntityInsteadOfSkippingIt() {
    logFiveAndStop();
    InMemoryJournal.loseEvent("counter|" + id, 3);
    expectStoppedWithoutAnswering(kit.spawn(Counter.behavior(CheckpointPolicy.DEFAULT).create(id)));
  }

  @Test
  void anEntryThatCannotBeReadKeepsTheEntityFromAnsweringUntilItIsRepaired() {
    logFiveAndStop();
    String pid = "counter|" + id;
    byte[] original = InMemoryJournal.damageEvent(pid, 3, new byte[] {1, 0, 0});
    // A read failure is a journal failure: the entity retries its recovery with backoff and
    // answers nothing meanwhile, rather than starting from the entries before the damage.
    ActorRef<Counter.Msg> again = kit.spawn(Counter.behavior(CheckpointPolicy.DEFAULT).create(id));
    TestProbe<Counter.State> probe = kit.createTestProbe();
    again.tell(new Counter.Get(probe.ref()));
    probe.expectNoMessage(Duration.ofSeconds(1));
    assertThat(InMemoryJournal.storedEvents(pid)).isEqualTo(5);
    InMemoryJournal.damageEvent(pid, 3, original);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Counter.State state = null;
    while (state == null && System.nanoTime() < deadline) {
      again.tell(new Counter.Get(probe.ref()));
      try {
        state = probe.receiveMessage(Duration.ofMillis(500));
      } catch (AssertionError stillRecovering) {
        // the next attempt comes after the restart backoff
      }
    }
    assertThat(state).as("answer after the entry was repaired").isNotNull();
    assertThat(state.total()).isEqualTo(5);
  }

  /**
   * Entries of writers 7, 7, 9, 7: the first incarnation wrote again after the second took over.
   * Each incarnation also has its own Akka writer id, as in a real log. Akka's replay filter in
   * its default mode drops an earlier writer's entries found after a later writer's, so the
   * entity would see a gap and stop blaming a truncated log (REV-E012); Revenant's journal
   * plugins turn the filter off, and the error names what happened (REV-E013).
   */
  @Test
  void interleavedWritersStopTheEntity() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
        LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (boolean akkaWriterPerIncarnation : new boolean[] {false, true}) {
      ListAppender<ILoggingEvent> logged = new ListAppender<>();
      logged.start();
      root.addAppender(logged);
      String entityId = id + (akkaWriterPerIncarnation ? "-own-writer-ids" : "-one-writer-id");
      TestProbe<Counter.Reply> replies = kit.createTestProbe();
      akka.actor.ActorSystem classic = Adapter.toClassic(kit.system());
      TestKit probe = new TestKit(classic);
      String pid = "counter|" + entityId;
      List<PersistentEnvelope> writes = new ArrayList<>();
      long[] writers = {7, 7, 9, 7};
      for (int i = 0; i < writers.length; i++) {
        MessageEnvelope env = new MessageEnvelope(
            new Counter.Add(1, replies.ref()), System.currentTimeMillis(), i, writers[i], null);
        String akkaWriter = akkaWriterPerIncarnation ? "incarnation-" + writers[i] : "w";
        PersistentRepr repr = PersistentRepr.apply(
            env, i + 1, pid, "", false, akka.actor.ActorRef.noSender(), akkaWriter);
        writes.add(new AtomicWrite(CollectionConverters.asScala(List.of(repr)).toList()));
      }
      Persistence.get(classic)
          .journalFor("revenant.journal.plugins.in-memory.journal", ConfigFactory.empty())
          .tell(new JournalProtocol.WriteMessages(
              CollectionConverters.asScala(writes).toList(), probe.getRef(), 1), probe.getRef());
      probe.expectMsgClass(JournalProtocol.WriteMessagesSuccessful$.class);
      try {
        expectStoppedWithoutAnswering(
            kit.spawn(Counter.behavior(CheckpointPolicy.DEFAULT).create(entityId)));
        replies.expectNoMessage(Duration.ofMillis(200));
      } finally {
        root.detachAppender(logged);
      }
      assertThat(logged.list).as("errors logged for " + entityId)
          .anySatisfy(e -> assertThat(e.getFormattedMessage())
              .contains("[REV-E013]", entityId, "writer [7] again at sequence number [4]"));
    }
  }

  /** A state that cannot be read back once its total is above {@link #READABLE_UP_TO}. */
  record Fragile(long total) implements JournalSerializable {
    @JsonCreator
    static Fragile of(@JsonProperty("total") long total) {
      if (total > READABLE_UP_TO.get()) {
        throw new IllegalStateException("fragile state with total [" + total + "] is unreadable");
      }
      return new Fragile(total);
    }
  }

  static final AtomicLong READABLE_UP_TO = new AtomicLong(Long.MAX_VALUE);

  private static RecoverableBehavior<Counter.Msg, Fragile> fragile() {
    return Recoverable.define("fragile", Counter.Msg.class, new Fragile(0))
        .on(Counter.Add.class, (s, m, ctx) -> {
          Fragile next = new Fragile(s.total() + m.n());
          ctx.reply(m.replyTo(), new Counter.Reply(next.total(), ctx.sequenceNr()));
          return next;
        })
        .on(Counter.Get.class, (s, m, ctx) -> {
          ctx.reply(m.replyTo(), new Counter.State(s.total(), List.of(), List.of()));
          return s;
        })
        .on(Counter.Msg.class, (s, m, ctx) -> s)
        .checkpoint(CheckpointPolicy.everyMessages(100))
        .build();
  }

  @Test
  void anUnreadableSnapshotFallsBackToTheOlderOneAndALongerReplay() {
    READABLE_UP_TO.set(Long.MAX_VALUE);
    TestProbe<RecoveryReport> reports = recoveries();
    ActorRef<Counter.Msg> entity = kit.spawn(fragile().create(id));
    addAll(entity, 250);
    awaitRecovery(reports);
    kit.stop(entity);
    READABLE_UP_TO.set(150); // the snapshot at 200 is now unreadable, the one at 100 is fine
    try {
      ActorRef<Counter.Msg> again = kit.spawn(fragile().create(id));
      // Sent while the entity recovers, so held: the incarnation that falls back handles it.
      TestProbe<Counter.Reply> early = kit.createTestProbe();
      again.tell(new Counter.Add(1, early.ref()));
      RecoveryReport report = awaitRecovery(reports);
      assertThat(report.snapshotSequenceNr()).isEqualTo(100);
      assertThat(report.messagesReplayed()).isEqualTo(150);
      assertThat(early.receiveMessage(Duration.ofSeconds(10)).total()).isEqualTo(251);
      TestProbe<Counter.State> probe = kit.createTestProbe();
      again.tell(new Counter.Get(probe.ref()));
      assertThat(probe.receiveMessage(Duration.ofSeconds(10)).total()).isEqualTo(251);
    } finally {
      READABLE_UP_TO.set(Long.MAX_VALUE);
    }
  }

  @Test
  void noReadableSnapshotAndATruncatedLogStopTheEntityRatherThanStartEmpty() {
    READABLE_UP_TO.set(Long.MAX_VALUE);
    TestProbe<RecoveryReport> reports = recoveries();
    ActorRef<Counter.Msg> entity = kit.spawn(fragile().create(id));
    addAll(entity, 350); // snapshots 200 and 300 kept, entries up to 100 deleted
    awaitRecovery(reports);
    kit.stop(entity);
    assertThat(InMemoryJournal.storedEvents("fragile|" + id)).isEqualTo(250);
    READABLE_UP_TO.set(50); // no snapshot is readable any more
    try {
      expectStoppedWithoutAnswering(kit.spawn(fragile().create(id)));
    } finally {
      READABLE_UP_TO.set(Long.MAX_VALUE);
    }
  }
}
