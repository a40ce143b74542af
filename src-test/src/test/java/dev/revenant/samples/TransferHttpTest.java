package dev.revenant.samples;

import static dev.revenant.testing.BankClient.JSON;
import static dev.revenant.testing.BankClient.assertError;
import static dev.revenant.testing.BankClient.concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import dev.revenant.testing.BankClient;
import dev.revenant.testing.BankClient.Reply;
import dev.revenant.testing.InProcessBankNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bank transfers over HTTP ({@code POST /transfers}, {@code GET /transfers/{id}}), against a
 * single node started in this JVM on a fresh journal: a one-node cluster in which the transfer
 * entity debits and credits the account entities with {@code context.deliver}.
 */
class TransferHttpTest {
  /** A transfer's debit and credit are two deliveries; this bounds the wait for them. */
  private static final Duration SETTLE = Duration.ofSeconds(20);
  private static final AtomicInteger IDS = new AtomicInteger();

  @RegisterExtension static final InProcessBankNode node = new InProcessBankNode();
  private static final BankClient bank = node.client();

  /** A fresh id per use, so tests do not see each other's accounts and transfers. */
  private static String fresh(String prefix) {
    return prefix + "-" + IDS.incrementAndGet();
  }

  /** A fresh account, after a deposit of {@code amount} into it. */
  private static String funded(String prefix, long amount) throws Exception {
    String account = fresh(prefix);
    bank.deposit(account, amount);
    return account;
  }

  /**
   * Sends transfer {@code t}, asserts that it is accepted as pending, and waits (bounded) until
   * it is final; its final answer.
   */
  private static Reply settle(String t, String from, String to, long amount) throws Exception {
    assertState(bank.transfer(t, from, to, amount), 202, t, "pending");
    return bank.awaitFinal(t, SETTLE);
  }

  private static void assertState(Reply r, int status, String id, String state) {
    assertThat(r.status()).as("reply %s", r).isEqualTo(status);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body()).as("reply %s", r)
        .isEqualTo(JSON.createObjectNode().put("id", id).put("state", state));
  }

  private static void assertRejected(Reply r, String id, String... reasonMentions) {
    assertThat(r.status()).as("reply %s", r).isEqualTo(200);
    assertThat(r.body().get("id").asText()).isEqualTo(id);
    assertThat(r.body().get("state").asText()).isEqualTo("rejected");
    assertThat(r.body().get("reason").asText()).contains(reasonMentions);
    assertThat(r.body().size()).as("fields of %s", r.body()).isEqualTo(3);
  }

  @Test
  void aTransferIsAcceptedThenCompletedAndMovesTheMoneyOnce() throws Exception {
    String a = funded("a", 100);
    String b = funded("b", 5);
    String t = fresh("t");
    assertState(settle(t, a, b, 30), 200, t, "completed");
    assertThat(bank.balance(a)).isEqualTo(70);
    assertThat(bank.balance(b)).isEqualTo(35);
    // Its whole balance, to a never used account.
    String c = fresh("c");
    String all = fresh("t");
    assertState(settle(all, a, c, 70), 200, all, "completed");
    assertThat(bank.balance(a)).isZero();
    assertThat(bank.balance(c)).isEqualTo(70);
  }

  @Test
  void aTransferWithoutTheFundsIsRejectedAndMovesNothing() throws Exception {
    String a = funded("a", 10);
    String b = funded("b", 1);
    String t = fresh("t");
    assertRejected(settle(t, a, b, 11), t, "insufficient funds");
    assertThat(bank.balance(a)).isEqualTo(10);
    assertThat(bank.balance(b)).isEqualTo(1);
    // Asking again gives the final state at once, and still moves nothing.
    assertRejected(bank.transfer(t, a, b, 11), t, "insufficient funds");
    // From an account that never had money.
    String empty = fresh("empty");
    String t2 = fresh("t");
    bank.transfer(t2, empty, b, 1);
    assertRejected(bank.awaitFinal(t2, SETTLE), t2, "insufficient funds");
    assertThat(bank.balance(empty)).isZero();
    assertThat(bank.balance(b)).isEqualTo(1);
  }

  @Test
  void aCreditThatWouldOverflowTheTargetIsRefundedAndTheTransferRejected() throws Exception {
    String a = funded("a", 10);
    String full = funded("full", Long.MAX_VALUE);
    String t = fresh("t");
    assertRejected(settle(t, a, full, 5), t, "would exceed", full);
    assertThat(bank.balance(a)).isEqualTo(10);
    assertThat(bank.balance(full)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void theSameIdTwiceIsOneTransfer() throws Exception {
    String a = funded("a", 100);
    String b = fresh("b");
    String t = fresh("t");
    assertState(bank.transfer(t, a, b, 40), 202, t, "pending");
    Reply again = bank.transfer(t, a, b, 40);
    assertThat(again.status()).as("repeat %s", again).isIn(200, 202);
    assertState(bank.awaitFinal(t, SETTLE), 200, t, "completed");
    assertState(bank.transfer(t, a, b, 40), 200, t, "completed");
    assertThat(bank.balance(a)).isEqualTo(60);
    assertThat(bank.balance(b)).isEqualTo(40);
  }

  @Test
  void theSameIdSentConcurrentlyIsOneTransfer() throws Exception {
    String a = funded("a", 100);
    String b = fresh("b");
    String t = fresh("t");
    Callable<Reply> transfer = () -> bank.transfer(t, a, b, 25);
    for (Reply r : concurrently(10, Duration.ofSeconds(30), Collections.nCopies(10, transfer))) {
      assertThat(r.status()).as("reply %s", r).isIn(200, 202);
      assertThat(r.body().get("id").asText()).isEqualTo(t);
    }
    assertState(bank.awaitFinal(t, SETTLE), 200, t, "completed");
    assertThat(bank.balance(a)).isEqualTo(75);
    assertThat(bank.balance(b)).isEqualTo(25);
  }

  @Test
  void theSameIdWithOtherParametersIsA409NamingTheDifference() throws Exception {
    String a = funded("a", 100);
    String b = fresh("b");
    String c = fresh("c");
    String t = fresh("t");
    bank.transfer(t, a, b, 40);
    bank.awaitFinal(t, SETTLE);
    assertError(bank.transfer(t, a, b, 41), 409, t, "amount", "40", "41");
    assertError(bank.transfer(t, a, c, 40), 409, t, "to", b, c);
    assertError(bank.transfer(t, c, b, 40), 409, t, "from", a, c);
    Reply all = bank.transfer(t, b, c, 1);
    assertError(all, 409, "from", "to", "amount");
    assertThat(all.body().size()).isEqualTo(1);
    // Also while it is still pending: a fresh one, asked again at once.
    String t2 = fresh("t");
    bank.transfer(t2, a, b, 10);
    assertError(bank.transfer(t2, a, b, 11), 409, t2, "amount");
    bank.awaitFinal(t2, SETTLE);
    assertState(bank.getTransfer(t), 200, t, "completed");
    assertThat(bank.balance(a)).isEqualTo(50);
    assertThat(bank.balance(b)).isEqualTo(50);
    assertThat(bank.balance(c)).isZero();
  }

  @Test
  void anUnknownTransferIsA404() throws Exception {
    String t = fresh("never");
    assertError(bank.getTransfer(t), 404, "unknown transfer", t);
    // Looking it up does not make it exist.
    assertError(bank.getTransfer(t), 404, "unknown transfer", t);
  }

  private static Arguments bad(String description, String body, String... mentions) {
    return Arguments.of(description, body, List.of(mentions));
  }

  static Stream<Arguments> badBodies() {
    String longId = "x".repeat(65);
    return Stream.of(
        bad("malformed JSON", "{\"id\": \"T\", ", "malformed JSON"),
        bad("not JSON at all", "id=T&from=A", "malformed JSON"),
        bad("trailing garbage", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B\",\"amount\":5} x",
            "malformed JSON"),
        bad("duplicate field", "{\"id\":\"T\",\"id\":\"T\",\"from\":\"A\",\"to\":\"B\",\"amount\":5}",
            "malformed JSON"),
        bad("empty body", "", "empty"),
        bad("array body", "[1]", "must be a JSON object"),
        bad("missing id", "{\"from\":\"A\",\"to\":\"B\",\"amount\":5}", "missing field [id]"),
        bad("missing from", "{\"id\":\"T\",\"to\":\"B\",\"amount\":5}", "missing field [from]"),
        bad("missing to", "{\"id\":\"T\",\"from\":\"A\",\"amount\":5}", "missing field [to]"),
        bad("missing amount", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B\"}",
            "missing field [amount]"),
        bad("unknown field", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B\",\"amount\":5,\"x\":1}",
            "unknown field [x]"),
        bad("bad transfer id", "{\"id\":\"T.1\",\"from\":\"A\",\"to\":\"B\",\"amount\":5}",
            "transfer id", "[T.1]"),
        bad("empty transfer id", "{\"id\":\"\",\"from\":\"A\",\"to\":\"B\",\"amount\":5}",
            "transfer id", "was []"),
        bad("too long transfer id",
            "{\"id\":\"" + longId + "\",\"from\":\"A\",\"to\":\"B\",\"amount\":5}",
            "transfer id", longId),
        bad("number as transfer id", "{\"id\":7,\"from\":\"A\",\"to\":\"B\",\"amount\":5}",
            "transfer id", "[7]"),
        bad("null transfer id", "{\"id\":null,\"from\":\"A\",\"to\":\"B\",\"amount\":5}",
            "transfer id", "[null]"),
        bad("bad from", "{\"id\":\"T\",\"from\":\"A b\",\"to\":\"B\",\"amount\":5}",
            "from", "account id", "[A b]"),
        bad("bad to", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B/1\",\"amount\":5}",
            "to", "account id", "[B/1]"),
        bad("object as to", "{\"id\":\"T\",\"from\":\"A\",\"to\":{\"id\":\"B\"},\"amount\":5}",
            "to", "account id"),
        bad("from equals to", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"A\",\"amount\":5}",
            "from and to must be different", "[A]"),
        bad("zero amount", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B\",\"amount\":0}",
            "amount must be a positive integer, was [0]"),
        bad("negative amount", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B\",\"amount\":-3}",
            "amount must be a positive integer, was [-3]"),
        bad("fraction", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B\",\"amount\":2.5}",
            "amount must be a positive integer, was [2.5]"),
        bad("string amount", "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B\",\"amount\":\"5\"}",
            "amount must be a positive integer"),
        bad("huge amount",
            "{\"id\":\"T\",\"from\":\"A\",\"to\":\"B\",\"amount\":99999999999999999999}",
            "amount too large"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void aBadTransferIsA400NamingTheProblemAndChangesNothing(
      String description, String body, List<String> mentions) throws Exception {
    // Fresh accounts and id, substituted for A, B and T in the body.
    String a = funded("a", 100);
    String b = funded("b", 100);
    String t = fresh("t");
    String sent = body.replace("\"T", "\"" + t).replace("\"A", "\"" + a)
        .replace("\"B", "\"" + b);
    List<String> expected = mentions.stream()
        .map(m -> m.replace("[T", "[" + t).replace("[A", "[" + a).replace("[B", "[" + b))
        .toList();
    assertError(bank.send("POST", "/transfers", sent), 400, expected.toArray(String[]::new));
    assertThat(bank.balance(a)).as("balance of from after a bad transfer").isEqualTo(100);
    assertThat(bank.balance(b)).as("balance of to after a bad transfer").isEqualTo(100);
    assertError(bank.getTransfer(t), 404, "unknown transfer");
  }

  @Test
  void aBodyThatIsTooLargeIsRefused() throws Exception {
    String huge = "{\"id\":\"t\",\"from\":\"a\",\"to\":\"b\",\"amount\":5,\"pad\":\""
        + "x".repeat(100_000) + "\"}";
    assertError(bank.send("POST", "/transfers", huge), 413, "larger than");
  }

  @Test
  void aBadTransferIdInThePathIsA400() throws Exception {
    assertError(bank.getTransfer("a.b"), 400, "transfer id", "[a.b]");
    assertError(bank.getTransfer("x".repeat(65)), 400, "transfer id");
    assertError(bank.getTransfer("a%20b"), 400, "transfer id");
    assertError(bank.getTransfer(""), 400, "transfer id", "was []"); // as GET /accounts/ does
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = ' ', textBlock = """
      GET /transfers
      GET /transfers/t1/
      GET /transfers/t1/state
      GET /transfersx
      POST /transfers/t1
      PUT /transfers
      DELETE /transfers/t1
      POST /transfers/
      """)
  void anUnknownTransferRouteIsAJson404(String method, String path) throws Exception {
    bank.assertUnknownRoute(method, path,
        "{\"id\":\"t1\",\"from\":\"a\",\"to\":\"b\",\"amount\":5}");
  }

  /**
   * Concurrent transfers among a few accounts, many of them without the funds: every one ends
   * completed or rejected, no money is created or destroyed, and each balance is its deposit
   * plus its completed incoming minus its completed outgoing transfers.
   */
  @Test
  void concurrentTransfersKeepEveryBalanceExact() throws Exception {
    List<String> accounts = new ArrayList<>();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 5; i++) {
      String a = funded("ring", 50);
      accounts.add(a);
      expected.put(a, 50L);
    }
    record Sent(String id, String from, String to, long amount) {}
    Random random = new Random(7);
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int f = random.nextInt(accounts.size());
      int t = (f + 1 + random.nextInt(accounts.size() - 1)) % accounts.size();
      sent.add(new Sent(fresh("rt"), accounts.get(f), accounts.get(t), 1 + random.nextInt(40)));
    }
    sent.add(10, new Sent(fresh("rt"), accounts.get(0), accounts.get(1), 1_000)); // never funded
    List<Callable<Reply>> transfers = sent.stream()
        .<Callable<Reply>>map(s -> () -> bank.transfer(s.id(), s.from(), s.to(), s.amount()))
        .toList();
    for (Reply r : concurrently(8, Duration.ofSeconds(60), transfers)) {
      assertThat(r.status()).as("reply %s", r).isIn(200, 202);
    }
    int completed = 0;
    for (Sent s : sent) {
      Reply r = bank.awaitFinal(s.id(), SETTLE);
      if (r.body().get("state").asText().equals("completed")) {
        completed++;
        expected.merge(s.from(), -s.amount(), Long::sum);
        expected.merge(s.to(), s.amount(), Long::sum);
      } else {
        assertRejected(r, s.id(), "insufficient funds");
      }
    }
    long total = 0;
    for (String a : accounts) {
      long balance = bank.balance(a);
      total += balance;
      assertThat(balance).as("balance of %s", a).isEqualTo(expected.get(a));
    }
    assertThat(total).isEqualTo(50L * accounts.size());
    assertThat(completed).as("completed transfers").isPositive().isLessThan(sent.size());
  }
}
