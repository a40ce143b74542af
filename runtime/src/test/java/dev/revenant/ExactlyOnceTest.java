package dev.revenant;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.ConfigFactory;
import dev.revenant.internal.Confirmation;
import dev.revenant.internal.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reliable channels between entities and idempotency keys, on a one-node cluster. */
class ExactlyOnceTest {

  sealed interface TallyMsg extends JournalSerializable permits Add, Total, Deposit {}

  record Add(long n) implements TallyMsg {}

  record Total(ActorRef<Long> replyTo) implements TallyMsg {}

  record Deposit(String key, long n, ActorRef<Long> replyTo) implements TallyMsg {}

  record Tally(long total, long count) implements JournalSerializable {}

  sealed interface SenderMsg extends JournalSerializable permits Send {}

  record Send(String to, long n, ActorRef<Long> replyTo) implements SenderMsg {}

  record Sent(long count) implements JournalSerializable {}

  static final RecoverableBehavior<TallyMsg, Tally> TALLY =
      Recoverable.define("tally", TallyMsg.class, new Tally(0, 0))
          .on(Add.class, (s, m, ctx) -> new Tally(s.total() + m.n(), s.count() + 1))
          .on(Total.class, (s, m, ctx) -> {
            ctx.reply(m.replyTo(), s.total());
            return s;
          })
          .on(Deposit.class, (s, m, ctx) -> {
            Tally next = new Tally(s.total() + m.n(), s.count() + 1);
            ctx.reply(m.replyTo(), next.total());
            return next;
          })
          .idempotent(Deposit.class, Deposit::key, Deposit::replyTo)
          .build();

  static final RecoverableBehavior<SenderMsg, Sent> SENDER =
      Recoverable.define("sender", SenderMsg.class, new Sent(0))
          .on(Send.class, (s, m, ctx) -> {
            ctx.deliver(TALLY.address(m.to()), new Add(m.n()));
            ctx.reply(m.replyTo(), s.count() + 1);
            return new Sent(s.count() + 1);
          })
          .build();

  private ActorTestKit kit;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create("exactly-once", RevenantConfig.load(Map.of(
        "revenant.journal.backend", "in-memory",
        "akka.actor.provider", "cluster",
        "akka.remote.artery.canonical.hostname", "127.0.0.1",
        "akka.remote.artery.canonical.port", 0,
        "revenant.delivery.redeliver-interval", "200ms",
        "akka.loggers", List.of("akka.event.slf4j.Slf4jLogger"))));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (cluster.selfMember().status() != MemberStatus.up()) {
      assertThat(System.nanoTime()).as("joined the one-node cluster").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private long total(String tallyId) {
    TestProbe<Long> p = kit.createTestProbe();
    RecoverableCluster.get(kit.system()).entityRefFor(TALLY, tallyId).tell(new Total(p.ref()));
    return p.receiveMessage(Duration.ofSeconds(10));
  }

  private void awaitTotal(String tallyId, long expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long last = -1;
    while (System.nanoTime() < deadline) {
      last = total(tallyId);
      if (last == expected) {
        return;
      }
    }
    assertThat(last).as("total of tally [%s]", tallyId).isEqualTo(expected);
  }

  @Test
  void deliveriesBetweenEntitiesTakeEffectOnce() {
    RecoverableCluster cluster = RecoverableCluster.get(kit.system());
    cluster.init(TALLY);
    cluster.init(SENDER);
    String tally = "t-" + UUID.randomUUID();
    TestProbe<Long> acks = kit.createTestProbe();
    long sum = 0;
    for (int i = 1; i <= 100; i++) {
      cluster.entityRefFor(SENDER, "s" + (i % 3)).tell(new Send(tally, i, acks.ref()));
      sum += i;
    }
    for (int i = 1; i <= 100; i++) {
      acks.receiveMessage(Duration.ofSeconds(10));
    }
    awaitTotal(tally, sum);
  }

  @Test
  void duplicatesReorderingAndLossNeverChangeTheResult() {
    ActorRef<TallyMsg> tally = kit.spawn(TALLY.create("t-" + UUID.randomUUID()));
    TestProbe<Confirmation> confirmations = kit.createTestProbe();
    Random random = new Random(42);
    List<Long> seqs = new ArrayList<>();
    for (long s = 1; s <= 50; s++) {
      seqs.add(s);
      if (random.nextInt(4) == 0) {
        seqs.add(s); // a duplicate
      }
    }
    Collections.shuffle(seqs, random); // reordered
    seqs.removeIf(s -> random.nextInt(5) == 0); // and some lost
    for (long s : seqs) {
      deliver(tally, "sender|a", s, confirmations);
    }
    for (long s = 1; s <= 50; s++) { // the sender retransmits everything unconfirmed, in order
      deliver(tally, "sender|a", s, confirmations);
    }
    long highest = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (highest < 50 && System.nanoTime() < deadline) {
      highest = Math.max(highest, confirmations.receiveMessage(Duration.ofSeconds(10)).seq());
    }
    assertThat(highest).isEqualTo(50);
    TestProbe<Long> p = kit.createTestProbe();
    tally.tell(new Total(p.ref()));
    assertThat(p.receiveMessage()).isEqualTo(50L * 51 / 2);
  }

  @SuppressWarnings("unchecked")
  private static void deliver(
      ActorRef<TallyMsg> tally, String from, long seq, TestProbe<Confirmation> confirmations) {
    ((ActorRef<Object>) (ActorRef<?>) tally)
        .tell(new Delivery(from, seq, new Add(seq), confirmations.ref()));
  }

  @Test
  void aSenderThatRestartsRetransmitsAndNothingIsAppliedTwice() {
    RecoverableCluster cluster = RecoverableCluster.get(kit.system());
    String tally = "t-" + UUID.randomUUID();
    // The target type is not registered yet: deliveries stay in the sender's outbox.
    String senderId = "restarting-" + UUID.randomUUID();
    ActorRef<SenderMsg> sender = kit.spawn(SENDER.create(senderId));
    TestProbe<Long> acks = kit.createTestProbe();
    for (int i = 1; i <= 20; i++) {
      sender.tell(new Send(tally, i, acks.ref()));
    }
    for (int i = 1; i <= 20; i++) {
      acks.receiveMessage(Duration.ofSeconds(10));
    }
    cluster.init(TALLY);
    kit.stop(sender);
    // A new incarnation recovers its outbox from the journal and retransmits it.
    kit.spawn(SENDER.create(senderId));
    awaitTotal(tally, 20L * 21 / 2);
    acks.expectNoMessage(Duration.ofMillis(300)); // replies are not sent again on replay
    awaitTotal(tally, 20L * 21 / 2); // and retransmissions keep being deduplicated
  }

  @Test
  void aRepeatedIdempotencyKeyIsAppliedOnceAndAnsweredTheSameAcrossARestart() {
    String id = "t-" + UUID.randomUUID();
    ActorRef<TallyMsg> tally = kit.spawn(TALLY.create(id));
    TestProbe<Long> answers = kit.createTestProbe();
    tally.tell(new Deposit("k-1", 7, answers.ref()));
    assertThat(answers.receiveMessage()).isEqualTo(7L);
    for (int i = 0; i < 4; i++) {
      tally.tell(new Deposit("k-1", 7, answers.ref()));
      assertThat(answers.receiveMessage()).isEqualTo(7L);
    }
    kit.stop(tally);
    ActorRef<TallyMsg> again = kit.spawn(TALLY.create(id));
    for (int i = 0; i < 5; i++) {
      again.tell(new Deposit("k-1", 7, answers.ref()));
      assertThat(answers.receiveMessage(Duration.ofSeconds(10))).isEqualTo(7L);
    }
    again.tell(new Deposit("k-2", 1, answers.ref()));
    assertThat(answers.receiveMessage()).isEqualTo(8L);
  }
}
