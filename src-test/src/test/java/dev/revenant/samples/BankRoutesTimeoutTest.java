package dev.revenant.samples;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.revenant.RevenantConfig;
import dev.revenant.samples.bank.AccountRegistry;
import dev.revenant.samples.bank.BankRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An account that does not answer in time gives a JSON 503, not a hung request. */
class BankRoutesTimeoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private ActorTestKit kit;
  private ServerBinding binding;

  @BeforeEach
  void start() throws Exception {
    kit = ActorTestKit.create("bank-timeout",
        RevenantConfig.load(Map.of("revenant.journal.h2-file.data-dir", dataDir.toString())));
    ActorRef<AccountRegistry.Command> silent = kit.spawn(Behaviors.ignore());
    binding = Http.get(kit.system())
        .newServerAt("127.0.0.1", 0)
        .bind(new BankRoutes(kit.system(), silent, Duration.ofMillis(300)).route())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void anAccountThatDoesNotAnswerGivesA503() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + binding.localAddress().getPort();
    for (HttpRequest request : new HttpRequest[] {
        HttpRequest.newBuilder(URI.create(base + "/accounts/alice")).GET().build(),
        HttpRequest.newBuilder(URI.create(base + "/accounts/alice/deposit"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 5}"))
            .build()}) {
      long start = System.nanoTime();
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("error").asText()).contains("alice", "did not answer");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }
}
