package dev.revenant.samples;

import static dev.revenant.testing.BankClient.assertError;
import static dev.revenant.testing.BankClient.concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import dev.revenant.testing.BankClient;
import dev.revenant.testing.BankClient.Reply;
import dev.revenant.testing.InProcessBankNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code Idempotency-Key} header of {@code POST /accounts/{id}/deposit} and
 * {@code /withdraw}: the first request with a key is applied; every repeat is answered with the
 * same response and not applied again, also after the node restarts on the same journal.
 */
class IdempotencyKeyHttpTest {
  private static final String KEY = "Idempotency-Key";
  private static final AtomicInteger IDS = new AtomicInteger();

  @RegisterExtension final InProcessBankNode node = new InProcessBankNode();
  private final BankClient bank = node.client();

  private static String fresh(String prefix) {
    return prefix + "-" + IDS.incrementAndGet();
  }

  /** A deposit of 5 with this key, written to a socket as UTF-8; the answer's status line. */
  private String rawDeposit(String acct, String key) throws Exception {
    String body = "{\"amount\": 5}";
    String request = "POST /accounts/" + acct + "/deposit HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + "Content-Length: " + body.length() + "\r\n" + KEY + ": " + key + "\r\n\r\n" + body;
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
    }
  }

  private void restart() throws Exception {
    long t0 = System.nanoTime();
    node.restart();
    System.out.printf("node restarted on the same data directory in %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void theSameDepositKeyTenTimesAcrossARestartMovesMoneyOnceWithTheSameAnswer()
      throws Exception {
    String acct = fresh("acct");
    assertThat(bank.deposit(acct, 100).status()).isEqualTo(200); // no key: a plain deposit
    String key = "dep-" + acct;
    Reply first = bank.deposit(acct, 25, KEY, key);
    assertThat(first.status()).as("first %s", first).isEqualTo(200);
    assertThat(first.body().get("balance").asLong()).isEqualTo(125);
    List<Reply> answers = new ArrayList<>(List.of(first));
    for (int i = 1; i < 5; i++) {
      answers.add(bank.deposit(acct, 25, KEY, key));
    }
    restart();
    for (int i = 5; i < 10; i++) {
      answers.add(bank.deposit(acct, 25, KEY, key));
    }
    for (Reply r : answers) {
      assertThat(r.status()).as("repeat %s", r).isEqualTo(200);
      assertThat(r.contentType()).isEqualTo("application/json");
      assertThat(r.body()).as("repeat %s", r).isEqualTo(first.body());
    }
    assertThat(bank.balance(acct)).isEqualTo(125);
    // Other requests move the balance; the key's answer stays the first one.
    assertThat(bank.deposit(acct, 1).body().get("balance").asLong()).isEqualTo(126);
    assertThat(bank.deposit(acct, 25, KEY, key).body()).isEqualTo(first.body());
    assertThat(bank.balance(acct)).isEqualTo(126);
    // A new key is a new deposit.
    assertThat(bank.deposit(acct, 25, KEY, key + "-2").body().get("balance").asLong())
        .isEqualTo(151);
  }

  @Test
  void aRepeatedWithdrawalKeyIsAppliedOnceAndItsAnswerKeptEvenARefusal() throws Exception {
    String acct = fresh("acct");
    bank.deposit(acct, 50);
    Reply w = bank.withdraw(acct, 20, KEY, "w-1");
    assertThat(w.status()).as("withdrawal %s", w).isEqualTo(200);
    assertThat(w.body().get("balance").asLong()).isEqualTo(30);
    for (int i = 0; i < 3; i++) {
      assertThat(bank.withdraw(acct, 20, KEY, "w-1").body()).isEqualTo(w.body());
    }
    assertThat(bank.balance(acct)).isEqualTo(30);

    Reply refused = bank.withdraw(acct, 40, KEY, "w-2");
    assertError(refused, 409, "insufficient funds");
    bank.deposit(acct, 100); // enough now, but the key was answered already
    restart();
    Reply again = bank.withdraw(acct, 40, KEY, "w-2");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body()).isEqualTo(refused.body());
    assertThat(bank.balance(acct)).isEqualTo(130);
  }

  @Test
  void concurrentRepeatsOfOneKeyAreAppliedOnce() throws Exception {
    String acct = fresh("acct");
    Callable<Reply> deposit = () -> bank.deposit(acct, 7, KEY, "same");
    for (Reply r : concurrently(10, Duration.ofSeconds(30), Collections.nCopies(20, deposit))) {
      assertThat(r.status()).as("reply %s", r).isEqualTo(200);
      assertThat(r.body().get("balance").asLong()).isEqualTo(7);
    }
    assertThat(bank.balance(acct)).isEqualTo(7);
  }

  @Test
  void keysBelongToOneAccount() throws Exception {
    String a = fresh("a");
    String b = fresh("b");
    assertThat(bank.deposit(a, 5, KEY, "k").body().get("balance").asLong()).isEqualTo(5);
    assertThat(bank.deposit(b, 5, KEY, "k").body().get("balance").asLong()).isEqualTo(5);
    assertThat(bank.deposit(b, 5, KEY, "k").body().get("balance").asLong()).isEqualTo(5);
    assertThat(bank.balance(a)).isEqualTo(5);
    assertThat(bank.balance(b)).isEqualTo(5);
  }

  @Test
  void aKeyReusedForAnotherRequestIsA422AndChangesNothing() throws Exception {
    String acct = fresh("acct");
    bank.deposit(acct, 10, KEY, "k1");
    assertError(bank.deposit(acct, 11, KEY, "k1"), 422, "k1", "deposit of 10", "deposit of 11");
    assertError(bank.withdraw(acct, 10, KEY, "k1"), 422, "k1", "deposit of 10",
        "withdraw of 10");
    assertThat(bank.balance(acct)).isEqualTo(10);
  }

  @Test
  void aBadKeyIsA400AndChangesNothing() throws Exception {
    String acct = fresh("acct");
    bank.deposit(acct, 10);
    assertError(bank.deposit(acct, 5, KEY, ""), 400, "Idempotency-Key");
    assertError(bank.deposit(acct, 5, KEY, "k".repeat(256)), 400, "Idempotency-Key");
    assertError(bank.withdraw(acct, 5, KEY, "a", KEY, "b"), 400, "more than one");
    // Not ASCII: sent as raw UTF-8 bytes (java.net.http would turn the letters into '?').
    assertThat(rawDeposit(acct, "\u00e9t\u00e9")).startsWith("HTTP/1.1 400 ");
    // The account id and then the body are checked as without a key.
    assertError(bank.deposit("bad.id", 5, KEY, "k"), 400, "account id");
    assertError(bank.send("POST", "/accounts/" + acct + "/deposit", "{", KEY, "k"), 400,
        "malformed JSON");
    assertThat(bank.balance(acct)).isEqualTo(10);
    // A bad request did not use the key up.
    assertThat(bank.deposit(acct, 5, KEY, "k").body().get("balance").asLong()).isEqualTo(15);
    assertThat(bank.deposit(acct, 5, KEY, "k".repeat(255)).status()).isEqualTo(200);
    assertThat(bank.balance(acct)).isEqualTo(20);
  }
}
