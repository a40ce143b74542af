package dev.revenant;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.Dropped;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import dev.revenant.journal.InMemoryJournal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Group commit under bursts: the messages that arrive while an entity writes or recovers are
 * held in front of Akka Persistence and handed to the entity as one batch, so the stack no longer
 * grows with the batch (Akka's own stash unstashes them recursively, ~13 frames per message:
 * 3,367 frames deep at batches of 256 with Akka 2.8.5, and batches of 1,000 overflowed the
 * dispatcher threads' stacks).
 */
class GroupCommitLimitTest extends InMemoryEntityTest {
  private static final int BURST = 20_000;
  /** Far below what a batch of the largest size would take under Akka's recursive unstash. */
  private static final long MAX_FRAMES = 300;

  private final AtomicLong deepest = new AtomicLong();
  /** Set by a test: the next Add's handler sleeps this long, so that a burst queues behind it. */
  private final AtomicLong pauseNextMillis = new AtomicLong();
  /** Most messages handled and not yet in the journal, seen by a handler (this one included). */
  private final AtomicLong mostUnwritten = new AtomicLong();

  private RecoverableBehavior<Counter.Msg, Counter.State> measuring() {
    return measuring(CheckpointPolicy.everyMessages(1_000_000));
  }

  private RecoverableBehavior<Counter.Msg, Counter.State> measuring(CheckpointPolicy checkpoint) {
    return Recoverable.define("limit", Counter.Msg.class, Counter.State.EMPTY)
        .on(Counter.Add.class, (s, m, ctx) -> {
          deepest.accumulateAndGet(StackWalker.getInstance().walk(f -> f.count()), Math::max);
          long pause = pauseNextMillis.getAndSet(0);
          if (pause > 0) {
            Thread.sleep(pause);
          }
          // No write is in flight while the entity handles messages: what the journal holds is
          // everything written so far (the tests using this keep the whole log).
          mostUnwritten.accumulateAndGet(
              ctx.sequenceNr() - InMemoryJournal.storedEvents("limit|" + id), Math::max);
          Counter.State next = new Counter.State(s.total() + m.n(), List.of(), List.of());
          ctx.reply(m.replyTo(), new Counter.Reply(next.total(), ctx.sequenceNr()));
          return next;
        })
        .on(Counter.Get.class, (s, m, ctx) -> {
          ctx.reply(m.replyTo(), s);
          return s;
        })
        .on(Counter.Msg.class, (s, m, ctx) -> s)
        .checkpoint(checkpoint)
        .build();
  }

  /** Logs {@code n} messages in bursts of {@code burst}, then stops that incarnation. */
  private void logged(TestProbe<RecoveryReport> reports, TestProbe<Counter.Reply> probe, int n,
      int burst) {
    ActorRef<Counter.Msg> first = kit.spawn(measuring().create(id));
    for (int i = 0; i < n; i += burst) {
      burst(first, probe, burst, i);
    }
    awaitRecovery(reports);
    kit.stop(first);
  }

  /** Sends {@code n} Add(1) and checks that each is answered in order after {@code before}. */
  private static void burst(ActorRef<Counter.Msg> entity, TestProbe<Counter.Reply> probe,
      int n, long before) {
    for (int i = 0; i < n; i++) {
      entity.tell(new Counter.Add(1, probe.ref()));
    }
    List<Counter.Reply> replies = probe.receiveSeveralMessages(n, Duration.ofSeconds(60));
    for (int i = 0; i < n; i++) {
      assertThat(replies.get(i).total()).as("reply %d", i).isEqualTo(before + i + 1);
      assertThat(replies.get(i).sequenceNr()).as("reply %d", i).isEqualTo(before + i + 1);
    }
  }

  @Test
  void aBurstAtTheLargestBatchSizeIsAnsweredInOrderInFewWritesWithAShallowStack() {
    useConfig("revenant.group-commit.max-batch-size = " + 10_000);
    ActorRef<Counter.Msg> entity = kit.spawn(measuring().create(id));
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    burst(entity, probe, BURST, 0);
    int writes = InMemoryJournal.writes("limit|" + id);
    System.out.println("group commit at 10,000: " + BURST + " messages in " + writes
        + " writes, deepest handler stack " + deepest.get() + " frames");
    assertThat(InMemoryJournal.storedEvents("limit|" + id)).isEqualTo(BURST);
    assertThat(writes).as("journal writes for a burst of %d", BURST).isLessThan(BURST / 10);
    assertThat(deepest.get())
        .as("frames on the stack of the deepest handler call at max-batch-size 10,000")
        .isLessThan(MAX_FRAMES);
  }

  /**
   * At batches of at most 100, with a checkpoint every {@code every} messages and the whole log
   * kept: one message answered (sequence number 1, written alone), then a burst of {@code n}
   * answered in order. Its first message is handled for 300 ms and then written alone; the others
   * are in the mailbox by then and all held during that write, whatever the machine's speed.
   * Returns the journal writes the burst took.
   */
  private int burstAfterALoneMessage(int every, int n) {
    useConfig("revenant.group-commit.max-batch-size = 100");
    ActorRef<Counter.Msg> entity =
        kit.spawn(measuring(CheckpointPolicy.everyMessages(every).keepingWholeLog()).create(id));
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    burst(entity, probe, 1, 0);
    int before = InMemoryJournal.writes("limit|" + id);
    pauseNextMillis.set(300);
    burst(entity, probe, n, 1);
    return InMemoryJournal.writes("limit|" + id) - before;
  }

  /**
   * A lone message is written at once, so the burst after it starts one past a checkpoint
   * boundary; each write stops at a boundary (see RecoverableEntity.flush), and the message or
   * two it leaves must go first into the next batch, not into a write of their own (which
   * doubled the writes of a burst and cost W2 a fifth on MariaDB).
   */
  @Test
  void aBurstAfterALoneMessageIsWrittenInFullBatchesAlignedToCheckpoints() {
    String pid = "limit|" + id;
    int writes = burstAfterALoneMessage(100, 1_001);
    System.out.println("group commit after a lone message: 1,001 messages in " + writes
        + " writes of at most 100, checkpoint every 100");
    assertThat(InMemoryJournal.storedEvents(pid)).isEqualTo(1_002);
    // 2 alone, 3..100 (cut at the boundary), 101..200 and so on to 1,000, then 1,001..1,002: 12
    // writes. When what a cut left was written on its own: one more per boundary, 21.
    assertThat(writes).as("writes of the burst at batches of 100").isLessThanOrEqualTo(12);
    assertThat(mostUnwritten.get()).as("messages handled and not yet written").isLessThanOrEqualTo(100);
  }

  /**
   * With checkpoints more often than max-batch-size, each write stops at a boundary and takes
   * fewer messages than a batch holds. The batches must shrink to what is left of
   * max-batch-size, so that the backlog stays held in front of the entity (where stash-capacity
   * bounds it) and does not pile up inside it, handled but unwritten, replies waiting.
   */
  @Test
  void checkpointsMoreOftenThanTheBatchSizeDoNotPileUpUnwrittenMessages() {
    String pid = "limit|" + id;
    int writes = burstAfterALoneMessage(10, 2_001) + 1;
    System.out.println("checkpoint every 10, batches of 100: 2,002 messages in " + writes
        + " writes; at most " + mostUnwritten.get() + " handled and not yet written");
    assertThat(InMemoryJournal.storedEvents(pid)).isEqualTo(2_002);
    assertThat(writes).as("one write per checkpoint interval, about").isLessThanOrEqualTo(2_002 / 10 + 3);
    assertThat(mostUnwritten.get())
        .as("messages handled and not yet written (max-batch-size 100)")
        .isLessThanOrEqualTo(100);
  }

  @Test
  void aBurstThatArrivesDuringRecoveryIsHeldAndAnsweredInOrderAfterIt() {
    useConfig("revenant.group-commit.max-batch-size = 1000");
    TestProbe<RecoveryReport> reports = recoveries();
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    logged(reports, probe, 30_000, 30_000);

    // The burst is sent while the new incarnation replays 30,000 entries.
    ActorRef<Counter.Msg> again = kit.spawn(measuring().create(id), "again");
    burst(again, probe, BURST, 30_000);
    assertThat(awaitRecovery(reports).messagesReplayed()).isEqualTo(30_000);
    assertThat(InMemoryJournal.storedEvents("limit|" + id)).isEqualTo(30_000 + BURST);
    assertThat(deepest.get()).as("frames of the deepest handler call").isLessThan(MAX_FRAMES);
  }

  @Test
  void beyondTheStashCapacityMessagesAreDroppedNamedAndNothingLoggedIsHarmed() {
    useConfig("revenant.group-commit.max-batch-size = 10\nrevenant.stash-capacity = 50");
    TestProbe<RecoveryReport> reports = recoveries();
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    logged(reports, probe, 30_000, 50); // bursts within the capacity of 50: nothing dropped

    TestProbe<Dropped> dropped = kit.createTestProbe();
    kit.system().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, dropped.ref()));
    ActorRef<Counter.Msg> again = kit.spawn(measuring().create(id), "again");
    int sent = 2_000;
    for (int i = 0; i < sent; i++) {
      again.tell(new Counter.Add(1, probe.ref()));
    }
    awaitRecovery(reports);
    // Sent during a replay of 30,000 entries: the first 50 are held, the rest dropped.
    List<Dropped> lost = dropped.receiveSeveralMessages(sent - 50, Duration.ofSeconds(30));
    assertThat(lost).allSatisfy(d -> {
      assertThat(d.message()).isInstanceOf(Counter.Add.class);
      assertThat(d.reason()).contains("stash-capacity");
    });
    List<Counter.Reply> replies = probe.receiveSeveralMessages(50, Duration.ofSeconds(30));
    for (int i = 0; i < 50; i++) {
      assertThat(replies.get(i).total()).isEqualTo(30_000 + i + 1);
    }
    probe.expectNoMessage(Duration.ofMillis(300));
    assertThat(InMemoryJournal.storedEvents("limit|" + id)).isEqualTo(30_050);
    // And the entity carries on.
    burst(again, probe, 50, 30_050);
  }

  @Test
  void messagesHeldDuringAFailedWriteAreHandledAfterTheRestartAndNothingOfItIsReleased() {
    useConfig("revenant.group-commit.max-batch-size = 100");
    TestProbe<RecoveryReport> reports = recoveries();
    ActorRef<Counter.Msg> entity = kit.spawn(measuring().create(id));
    awaitRecovery(reports);
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    InMemoryJournal.failNextWrites("limit|" + id, 1);
    int sent = 2_000;
    for (int i = 0; i < sent; i++) {
      entity.tell(new Counter.Add(1, probe.ref()));
    }
    awaitRecovery(reports);
    // A Get sent now comes after every Add: the state it reports is what was answered.
    TestProbe<Counter.State> state = kit.createTestProbe();
    entity.tell(new Counter.Get(state.ref()));
    long answered = state.receiveMessage(Duration.ofSeconds(30)).total();
    // The failed batch (the first few Adds) is not answered; the rest are, in order.
    assertThat(answered).isBetween(sent - 100L, sent - 1L);
    List<Counter.Reply> replies = probe.receiveSeveralMessages((int) answered, Duration.ofSeconds(30));
    for (int i = 0; i < answered; i++) {
      assertThat(replies.get(i).sequenceNr()).isEqualTo(i + 1);
      assertThat(replies.get(i).total()).isEqualTo(i + 1);
    }
    probe.expectNoMessage(Duration.ofMillis(300));
    assertThat(InMemoryJournal.storedEvents("limit|" + id)).isEqualTo(answered + 1); // and the Get
  }
}
