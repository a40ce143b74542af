package dev.revenant.it;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import dev.revenant.CheckpointPolicy;
import dev.revenant.RecoveryReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery on the embedded default journal, across actor systems on the same H2 file. */
class H2RecoveryTest {
  @TempDir Path dataDir;

  private static Ledger.Totals read(H2Node node, ActorRef<Ledger.Msg> entity) {
    TestProbe<Ledger.Totals> p = node.kit.createTestProbe();
    entity.tell(new Ledger.Read(p.ref()));
    return p.receiveMessage(Duration.ofSeconds(30));
  }

  private static Ledger.Totals postAll(H2Node node, ActorRef<Ledger.Msg> entity, int n) {
    TestProbe<Ledger.Totals> p = node.kit.createTestProbe();
    for (int i = 1; i <= n; i++) {
      entity.tell(new Ledger.Post(i % 97, p.ref()));
    }
    Ledger.Totals last = null;
    for (int i = 1; i <= n; i++) {
      last = p.receiveMessage(Duration.ofSeconds(30));
      assertThat(last.count()).isEqualTo(i);
    }
    return last;
  }

  @Test
  void stateIsTheSameInANewActorSystemOnTheSameFile() throws Exception {
    Ledger.Totals before;
    try (H2Node node = new H2Node(dataDir)) {
      ActorRef<Ledger.Msg> entity = node.kit.spawn(Ledger.behavior(CheckpointPolicy.DEFAULT).create("a"));
      before = postAll(node, entity, 300);
    }
    try (H2Node node = new H2Node(dataDir)) {
      ActorRef<Ledger.Msg> entity = node.kit.spawn(Ledger.behavior(CheckpointPolicy.DEFAULT).create("a"));
      RecoveryReport report = node.awaitRecovery("a");
      assertThat(report.messagesReplayed()).isEqualTo(300);
      assertThat(report.snapshotSequenceNr()).isZero();
      assertThat(read(node, entity)).isEqualTo(before);
    }
  }

  @Test
  void withASnapshotEvery1000MessagesRecoveryAfter2500ReplaysAtMost500() throws Exception {
    CheckpointPolicy policy = CheckpointPolicy.everyMessages(1000);
    Ledger.Totals before;
    try (H2Node node = new H2Node(dataDir)) {
      ActorRef<Ledger.Msg> entity = node.kit.spawn(Ledger.behavior(policy).create("b"));
      before = postAll(node, entity, 2500);
    }
    try (H2Node node = new H2Node(dataDir)) {
      ActorRef<Ledger.Msg> entity = node.kit.spawn(Ledger.behavior(policy).create("b"));
      RecoveryReport report = node.awaitRecovery("b");
      assertThat(report.snapshotSequenceNr()).isEqualTo(2000);
      assertThat(report.messagesReplayed()).isLessThanOrEqualTo(500).isEqualTo(500);
      assertThat(report.highestSequenceNr()).isEqualTo(2500);
      assertThat(read(node, entity)).isEqualTo(before);
    }
  }

  @Test
  void repliesAreNotSentAgainDuringReplay() throws Exception {
    try (H2Node node = new H2Node(dataDir)) {
      TestProbe<Ledger.Totals> probe = node.kit.createTestProbe();
      ActorRef<Ledger.Msg> first = node.kit.spawn(Ledger.behavior(CheckpointPolicy.DEFAULT).create("c"));
      for (int i = 0; i < 20; i++) {
        first.tell(new Ledger.Post(1, probe.ref()));
      }
      for (int i = 0; i < 20; i++) {
        probe.receiveMessage(Duration.ofSeconds(30));
      }
      node.awaitRecovery("c");
      node.kit.stop(first);
      ActorRef<Ledger.Msg> second = node.kit.spawn(Ledger.behavior(CheckpointPolicy.DEFAULT).create("c"));
      assertThat(node.awaitRecovery("c").messagesReplayed()).isEqualTo(20);
      probe.expectNoMessage(Duration.ofMillis(500));
      assertThat(read(node, second).total()).isEqualTo(20);
    }
  }

  @Test
  void aMessageWhoseHandlerThrowsIsNotInTheJournal() throws Exception {
    try (H2Node node = new H2Node(dataDir)) {
      TestProbe<Ledger.Totals> probe = node.kit.createTestProbe();
      ActorRef<Ledger.Msg> entity = node.kit.spawn(Ledger.behavior(CheckpointPolicy.DEFAULT).create("d"));
      entity.tell(new Ledger.Post(5, probe.ref()));
      entity.tell(new Ledger.Fail(probe.ref()));
      entity.tell(new Ledger.Post(6, probe.ref()));
      assertThat(probe.receiveMessage(Duration.ofSeconds(30)).total()).isEqualTo(5);
      assertThat(probe.receiveMessage(Duration.ofSeconds(30)).total()).isEqualTo(11);
      probe.expectNoMessage(Duration.ofMillis(200));
      assertThat(node.journalRows("ledger|d")).isEqualTo(2);
    }
  }

  @Test
  void aBurstToOneEntityIsWrittenInBatchesWithoutOverflowingTheStack() throws Exception {
    // 100,000 messages at once once overflowed the default 1 MB thread stack: a Flush per
    // batch piled up in Akka's stash, which unstashes no-op commands recursively.
    try (H2Node node = new H2Node(dataDir)) {
      ActorRef<Ledger.Msg> entity =
          node.kit.spawn(Ledger.behavior(CheckpointPolicy.DEFAULT).create("burst"));
      Ledger.Totals last = postAll(node, entity, 100_000);
      assertThat(last.count()).isEqualTo(100_000);
      assertThat(read(node, entity).count()).isEqualTo(100_000);
    }
  }

  @Test
  void moreEntitiesThanAkkaPersistenceJdbcsDefaultWriteQueueWriteAtOnce() throws Exception {
    // akka-persistence-jdbc queues at most bufferSize (1000 by default) pending writes and
    // fails the rest, opening the circuit breaker for every entity: 2000 entities writing at
    // once (the mass-recovery benchmark) failed that way.
    int entities = 3000;
    try (H2Node node = new H2Node(dataDir)) {
      List<ActorRef<Ledger.Msg>> refs = new ArrayList<>();
      for (int i = 0; i < entities; i++) {
        refs.add(node.kit.spawn(Ledger.behavior(CheckpointPolicy.DEFAULT).create("many-" + i)));
      }
      node.recoveries.receiveSeveralMessages(entities, Duration.ofSeconds(60));
      TestProbe<Ledger.Totals> p = node.kit.createTestProbe();
      for (int i = 0; i < entities; i++) {
        refs.get(i).tell(new Ledger.Post(i + 1, p.ref()));
      }
      List<Ledger.Totals> replies = p.receiveSeveralMessages(entities, Duration.ofSeconds(60));
      assertThat(replies).allSatisfy(t -> assertThat(t.count()).isEqualTo(1));
      assertThat(replies.stream().mapToLong(Ledger.Totals::total).sum())
          .isEqualTo((long) entities * (entities + 1) / 2);
      assertThat(node.journalRows("ledger|many-0")).isEqualTo(1);
      assertThat(node.journalRows("ledger|many-" + (entities - 1))).isEqualTo(1);
    }
  }
}
