package dev.revenant.samples;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.revenant.RevenantConfig;
import dev.revenant.samples.bank.AccountGateway;
import dev.revenant.samples.bank.AccountMsg;
import dev.revenant.samples.bank.AccountReply;
import dev.revenant.samples.bank.BankRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster sharding drops a message that reaches a shard being handed off to another node: a
 * read of a balance is sent again until the ask timeout, a deposit is not (it would be applied
 * twice). The gateway here drops the first messages it is given, as such a hand-off does.
 */
class BankRoutesResendTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

  @TempDir Path dataDir;

  private ActorTestKit kit;
  private HttpClient http;
  /** Every message the routes sent, in order. */
  private final List<AccountMsg> sent = new CopyOnWriteArrayList<>();
  /** How many of the first messages are dropped (no answer: the ask times out). */
  private volatile int dropFirst;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create("bank-resend",
        RevenantConfig.load(Map.of("revenant.journal.h2-file.data-dir", dataDir.toString())));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** The routes over a gateway that drops the first {@code dropFirst} messages. */
  private String serve() throws Exception {
    AccountGateway gateway = new AccountGateway() {
      @Override
      public CompletionStage<AccountReply> ask(String id,
          Function<ActorRef<AccountReply>, AccountMsg> message, Duration timeout) {
        AccountMsg msg = message.apply(kit.<AccountReply>createTestProbe().ref());
        sent.add(msg);
        if (sent.size() <= dropFirst) {
          return CompletableFuture.supplyAsync(() -> {
            throw new java.util.concurrent.CompletionException(
                new TimeoutException("ask of " + id + " timed out after " + timeout));
          }, CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS));
        }
        long balance = msg instanceof AccountMsg.Deposit d ? d.amount() : 42;
        return CompletableFuture.completedFuture(new AccountReply.Balance(balance, null));
      }
    };
    ServerBinding binding = Http.get(kit.system())
        .newServerAt("127.0.0.1", 0)
        .bind(new BankRoutes(kit.system(), gateway, ASK_TIMEOUT, java.util.Optional.empty(),
            false).route())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @Test
  void aDroppedReadIsSentAgainAndAnswered() throws Exception {
    dropFirst = 1;
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(serve() + "/accounts/alice")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("balance").asLong()).isEqualTo(42);
    assertThat(sent).hasSize(2).allMatch(m -> m instanceof AccountMsg.GetBalance);
  }

  @Test
  void aReadThatIsNeverAnsweredGivesA503WithinTheAskTimeout() throws Exception {
    dropFirst = Integer.MAX_VALUE;
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(serve() + "/accounts/alice")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("error").asText()).contains("alice", "did not answer within 3 s");
    // 3 s in attempts of at most 2 s: two.
    assertThat(sent).hasSize(2).allMatch(m -> m instanceof AccountMsg.GetBalance);
  }

  @Test
  void aDroppedDepositIsNotSentAgain() throws Exception {
    dropFirst = 1;
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(serve() + "/accounts/alice/deposit"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 5}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(JSON.readTree(r.body()).get("error").asText())
        .contains("may or may not have taken effect");
    assertThat(sent).hasSize(1).allMatch(m -> m instanceof AccountMsg.Deposit);
  }
}
