package dev.revenant.samples;

import static dev.revenant.testing.BankClient.JSON;
import static dev.revenant.testing.BankClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.revenant.testing.BankClient;
import dev.revenant.testing.BankClient.Reply;
import dev.revenant.testing.InProcessBankNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The bank's HTTP interface, against a node started in this JVM on a fresh journal. */
class BankHttpTest {
  private static final AtomicInteger ACCOUNTS = new AtomicInteger();

  @RegisterExtension static final InProcessBankNode node = new InProcessBankNode();
  private static final BankClient bank = node.client();

  /** A fresh account id per test, so tests do not see each other's money. */
  private static String newAccount() {
    return "acct-" + ACCOUNTS.incrementAndGet();
  }

  private static void assertBalanceReply(Reply r, String id, long balance) {
    assertThat(r.status()).as("reply %s", r.body()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body().get("id").asText()).isEqualTo(id);
    assertThat(r.body().get("balance").isIntegralNumber()).isTrue();
    assertThat(r.body().get("balance").asLong()).isEqualTo(balance);
    assertThat(r.body().size()).isEqualTo(2);
  }

  @Test
  void health() throws Exception {
    Reply r = bank.send("GET", "/health", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body()).isEqualTo(JSON.readTree("{\"status\":\"ok\"}"));
  }

  @Test
  void depositsWithdrawalsAndBalances() throws Exception {
    String id = newAccount();
    assertBalanceReply(bank.deposit(id, 100), id, 100);
    assertBalanceReply(bank.deposit(id, 25), id, 125);
    assertBalanceReply(bank.withdraw(id, 30), id, 95);
    assertBalanceReply(bank.send("GET", "/accounts/" + id, null), id, 95);
    assertBalanceReply(bank.withdraw(id, 95), id, 0);
    assertThat(bank.balance(id)).isZero();
  }

  @Test
  void aNeverUsedAccountHasBalanceZero() throws Exception {
    String id = newAccount();
    assertBalanceReply(bank.send("GET", "/accounts/" + id, null), id, 0);
    String longest = "a".repeat(63) + "-";
    assertBalanceReply(bank.send("GET", "/accounts/" + longest, null), longest, 0);
  }

  @Test
  void withdrawingMoreThanTheBalanceIsRejectedAndChangesNothing() throws Exception {
    String id = newAccount();
    bank.deposit(id, 40);
    Reply r = bank.withdraw(id, 41);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body())
        .isEqualTo(JSON.readTree("{\"error\":\"insufficient funds\",\"balance\":40}"));
    assertThat(bank.balance(id)).isEqualTo(40);

    String empty = newAccount();
    assertThat(bank.withdraw(empty, 1).body().get("balance").asLong()).isZero();
    assertThat(bank.balance(empty)).isZero();
  }

  @Test
  void aDepositThatWouldOverflowTheBalanceIsRejected() throws Exception {
    String id = newAccount();
    assertBalanceReply(bank.deposit(id, Long.MAX_VALUE), id, Long.MAX_VALUE);
    Reply r = bank.deposit(id, 1);
    assertError(r, 409, "balance");
    assertThat(r.body().get("balance").asLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(bank.balance(id)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void concurrentDepositsAreAllApplied() throws Exception {
    String a = newAccount();
    String b = newAccount();
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    long sumA = 0;
    long sumB = 0;
    for (int i = 1; i <= 100; i++) {
      String id = i % 2 == 0 ? a : b;
      if (id.equals(a)) {
        sumA += i;
      } else {
        sumB += i;
      }
      pending.add(bank.exchangeAsync("POST", "/accounts/" + id + "/deposit",
          "{\"amount\":" + i + "}", BankClient.TIMEOUT));
    }
    for (CompletableFuture<HttpResponse<String>> f : pending) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    assertThat(bank.balance(a)).isEqualTo(sumA);
    assertThat(bank.balance(b)).isEqualTo(sumB);
  }

  private static Arguments bad(String description, String body, String... mentions) {
    return Arguments.of(description, body, List.of(mentions));
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        bad("malformed JSON", "{\"amount\": ", "malformed JSON"),
        bad("not JSON at all", "amount=5", "malformed JSON"),
        bad("trailing garbage", "{\"amount\": 5} 6", "malformed JSON"),
        bad("duplicate field", "{\"amount\": 5, \"amount\": 6}", "malformed JSON"),
        bad("empty body", "", "empty"),
        bad("blank body", "  \n ", "empty"),
        bad("array body", "[5]", "must be a JSON object"),
        bad("number body", "5", "must be a JSON object"),
        bad("null body", "null", "must be a JSON object"),
        bad("missing amount", "{}", "missing field [amount]"),
        bad("misspelled amount", "{\"amout\": 5}", "missing field [amount]"),
        bad("unknown extra field", "{\"amount\": 5, \"note\": \"x\"}",
            "unknown field [note]"),
        bad("zero", "{\"amount\": 0}",
            "amount must be a positive integer, was [0]"),
        bad("negative", "{\"amount\": -5}",
            "amount must be a positive integer, was [-5]"),
        bad("fraction", "{\"amount\": 1.5}",
            "amount must be a positive integer, was [1.5]"),
        bad("float with integral value", "{\"amount\": 10.0}",
            "amount must be a positive integer, was [10.0]"),
        bad("exponent", "{\"amount\": 1e3}", "amount must be a positive integer"),
        bad("string", "{\"amount\": \"10\"}",
            "amount must be a positive integer, was [\"10\"]"),
        bad("boolean", "{\"amount\": true}",
            "amount must be a positive integer, was [true]"),
        bad("null amount", "{\"amount\": null}",
            "amount must be a positive integer, was [null]"),
        bad("object amount", "{\"amount\": {\"value\": 5}}",
            "amount must be a positive integer"),
        bad("array amount", "{\"amount\": [5]}", "amount must be a positive integer"),
        bad("one above Long.MAX_VALUE", "{\"amount\": 9223372036854775808}",
            "amount too large", "9223372036854775808"),
        bad("far above Long.MAX_VALUE", "{\"amount\": 123456789012345678901234567890}",
            "amount too large"),
        bad("far below Long.MIN_VALUE", "{\"amount\": -123456789012345678901234567890}",
            "amount must be a positive integer"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void aBadBodyIsA400NamingTheProblemAndChangesNothing(
      String description, String body, List<String> mentions) throws Exception {
    String id = newAccount();
    assertBalanceReply(bank.deposit(id, 100), id, 100);
    for (String op : List.of("deposit", "withdraw")) {
      Reply r = bank.send("POST", "/accounts/" + id + "/" + op, body);
      assertError(r, 400, mentions.toArray(String[]::new));
      assertThat(bank.balance(id)).as("balance after a bad %s (%s)", op, description)
          .isEqualTo(100);
    }
  }

  @Test
  void aBodyThatIsTooLargeIsRefusedAndChangesNothing() throws Exception {
    String id = newAccount();
    bank.deposit(id, 100);
    String huge = "{\"amount\": 5, \"padding\": \"" + "x".repeat(100_000) + "\"}";
    Reply r = bank.send("POST", "/accounts/" + id + "/deposit", huge);
    assertError(r, 413, "larger than");
    assertThat(bank.balance(id)).isEqualTo(100);
  }

  static Stream<Arguments> badIds() {
    String tooLong = "a".repeat(65);
    return Stream.of(
        Arguments.of("a.b", "a.b"),
        Arguments.of("a%20b", "a%20b"),
        Arguments.of("%C3%A9t%C3%A9", "%C3%A9t%C3%A9"),
        Arguments.of("a%2Fb", "a%2Fb"),
        Arguments.of("a~b", "a~b"),
        Arguments.of("", "was []"),
        Arguments.of(tooLong, tooLong));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("badIds")
  void aBadAccountIdIsA400NamingIt(String id, String mention) throws Exception {
    // The id rules come first, on every account route, whatever the body.
    assertError(bank.send("GET", "/accounts/" + id, null), 400, "account id", mention);
    assertError(bank.send("POST", "/accounts/" + id + "/deposit", "{\"amount\": 5}"), 400,
        "account id", mention);
    assertError(bank.send("POST", "/accounts/" + id + "/withdraw", "{\"amount\": 5}"), 400,
        "account id", mention);
    assertError(bank.send("POST", "/accounts/" + id + "/deposit", "{"), 400, "account id",
        mention);
  }

  @Test
  void aBadAccountIdChangesNothing() throws Exception {
    String prefix = "b".repeat(64);
    assertError(bank.deposit(prefix + "b", 5), 400, "account id");
    assertThat(bank.balance(prefix)).isZero(); // not truncated to a valid id
    String id = newAccount();
    bank.deposit(id, 7);
    assertError(bank.deposit(id + ".x", 5), 400, "account id");
    assertError(bank.deposit(id + "%20", 5), 400, "account id");
    assertThat(bank.balance(id)).isEqualTo(7);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = ' ', textBlock = """
      GET /
      GET /nope
      GET /accounts
      GET /accountsx/alice
      GET /accounts/alice/
      GET /accounts/alice/deposit
      GET /accounts/alice/balance
      GET /accounts/alice/deposit/more
      POST /accounts/alice
      POST /accounts/alice/transfer
      PUT /accounts/alice/deposit
      DELETE /accounts/alice
      PATCH /accounts/alice/withdraw
      POST /health
      GET /health/x
      GET /healthz
      """)
  void anUnknownPathOrMethodIsAJson404(String method, String path) throws Exception {
    bank.assertUnknownRoute(method, path, "{\"amount\": 5}");
  }

  @Test
  void anUnknownRouteChangesNothing() throws Exception {
    String id = newAccount();
    bank.deposit(id, 9);
    bank.send("PUT", "/accounts/" + id + "/deposit", "{\"amount\": 5}");
    bank.send("POST", "/accounts/" + id, "{\"amount\": 5}");
    assertThat(bank.balance(id)).isEqualTo(9);
  }
}
