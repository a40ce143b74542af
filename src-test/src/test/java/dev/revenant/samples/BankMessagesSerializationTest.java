package dev.revenant.samples;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import dev.revenant.RevenantConfig;
import dev.revenant.internal.Channels;
import dev.revenant.internal.EntityState;
import dev.revenant.samples.bank.Account;
import dev.revenant.samples.bank.AccountMsg;
import dev.revenant.samples.bank.AccountReply;
import dev.revenant.samples.bank.Transfer;
import dev.revenant.samples.bank.TransferMsg;
import dev.revenant.samples.bank.TransferReply;
import dev.revenant.samples.bank.Transfers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bank message, reply and state makes the round trip through Akka serialization (Jackson
 * CBOR), as it must to cross nodes, be journaled and be kept in snapshots. In-process tests on
 * one node never serialize replies, so they would not notice a record Jackson cannot read back.
 */
class BankMessagesSerializationTest {
  private static ActorTestKit kit;
  private static ActorRef<AccountReply> accountReplies;
  private static ActorRef<TransferReply> transferReplies;
  private static ActorRef<AccountMsg> account;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("bank-serialization",
        RevenantConfig.load(Map.of("revenant.journal.backend", "in-memory")));
    accountReplies = kit.spawn(Behaviors.ignore());
    transferReplies = kit.spawn(Behaviors.ignore());
    account = kit.spawn(Behaviors.ignore());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static Stream<Object> messages() {
    AccountReply balance = new AccountReply.Balance(5, account);
    return Stream.of(
        new AccountMsg.Deposit(5, accountReplies),
        new AccountMsg.Withdraw(5, accountReplies),
        new AccountMsg.GetBalance(accountReplies),
        new AccountMsg.KeyedDeposit("k", 5, accountReplies),
        new AccountMsg.KeyedWithdraw("k", 5, accountReplies),
        new AccountMsg.Debit("t1", 5, Transfers.address("t1")),
        new AccountMsg.Credit("t1", 5, Transfers.address("t1")),
        balance,
        new AccountReply.InsufficientFunds(1, 5),
        new AccountReply.Rejected("no", 1),
        new AccountReply.Keyed("deposit", 5, balance),
        new AccountReply.Keyed("withdraw", 5, new AccountReply.InsufficientFunds(1, 5)),
        new AccountReply.Keyed("deposit", 5, new AccountReply.Rejected("no", 1)),
        new TransferMsg.Start("a", "b", 5, transferReplies),
        new TransferMsg.Get(transferReplies),
        new TransferMsg.Debited("a", 5),
        new TransferMsg.DebitRefused("a", "insufficient funds"),
        new TransferMsg.Credited("b", 5),
        new TransferMsg.CreditRefused("b", "too much"),
        new TransferMsg.RetryRefund(1),
        new TransferReply.Status("t1", "rejected", "a", "b", 5, "insufficient funds"),
        new TransferReply.Status("t1", "pending", "a", "b", 5, null),
        new TransferReply.Unknown("t1"),
        new TransferReply.Invalid("t1", "no"),
        Account.EMPTY,
        Transfer.NEW,
        new Transfer(Transfer.Phase.REFUNDING, "a", "b", 5, "too much"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void makesTheRoundTrip(Object message) {
    assertThat(roundTrip(message)).isEqualTo(message);
  }

  /** What a snapshot of an account holds: answers kept for keys, deliveries not confirmed. */
  @Test
  void anAccountSnapshotWithKeptAnswersAndAnOutboxMakesTheRoundTrip() {
    Map<String, Channels.Answer> answered = new LinkedHashMap<>();
    answered.put("k1", new Channels.Answer(
        new AccountReply.Keyed("deposit", 5, new AccountReply.Balance(5, account)), 1L));
    answered.put("k2", new Channels.Answer(
        new AccountReply.Keyed("withdraw", 9, new AccountReply.InsufficientFunds(5, 9)), 2L));
    Channels channels = new Channels(
        Map.of("transfer|t1", 1L),
        Map.of("transfer|t1", new Channels.Outbox(Transfers.address("t1"), 1,
            List.of(new Channels.Unconfirmed(1, new TransferMsg.Debited("a", 5))))),
        answered);
    EntityState state = new EntityState(new Account(5), 7, Map.of(), channels);
    EntityState back = (EntityState) roundTrip(state);
    assertThat(back).isEqualTo(state);
    assertThat(back.channels().answered().get("k1").reply())
        .isInstanceOf(AccountReply.Keyed.class);
  }

  private static Object roundTrip(Object o) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
    byte[] bytes = serialization.serialize(o).get();
    akka.serialization.Serializer serializer = serialization.findSerializerFor(o);
    return serialization.deserialize(
        bytes, serializer.identifier(), Serializers.manifestFor(serializer, o)).get();
  }
}
