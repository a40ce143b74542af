package dev.revenant.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.revenant.testing.JvmNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged bank node in a JVM of its own, killed with SIGKILL right after its last
 * acknowledged deposit: after a restart on the same data directory every acknowledged deposit
 * is there. Needs {@code samples/target/revenant-samples.jar} and {@code samples/target/lib}
 * (built by the samples module's package phase, which a reactor build runs before this module);
 * see {@link JvmNodes}.
 */
@Tag("slow")
class BankNodeCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern READY = Pattern.compile("^bank-node ready http=(\\d+)$");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final List<String> ACCOUNTS =
      List.of("alice", "bob", "carol", "dave", "erin-2", "frank_3");

  @TempDir Path work;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** A running node: its JVM and HTTP port. */
  private record Node(JvmNodes.Node jvm, int port) {
    Path out() {
      return jvm.out();
    }

    String tail() {
      return jvm.tail(40);
    }
  }

  @Test
  void everyAcknowledgedDepositSurvivesKill9() throws Exception {
    Path dataDir = work.resolve("data");
    try (JvmNodes jvms = new JvmNodes(work)) {
      Node first = startNode(jvms, "first", dataDir);
      Map<String, Long> acknowledged = new TreeMap<>();
      Random random = new Random(42);
      for (int i = 0; i < 200; i++) {
        String account = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
        long amount = 1 + random.nextInt(i % 3 == 0 ? 1_000_000 : 500);
        HttpResponse<String> r = post(first, "/accounts/" + account + "/deposit",
            "{\"amount\":" + amount + "}");
        assertThat(r.statusCode()).as("deposit %d: %s\n%s", i, r.body(), first.tail())
            .isEqualTo(200);
        long expected = acknowledged.merge(account, amount, Long::sum);
        assertThat(JSON.readTree(r.body()).get("balance").asLong()).isEqualTo(expected);
      }
      assertThat(Files.readAllLines(first.out(), StandardCharsets.UTF_8))
          .as("stdout carries the ready line only (logs go to stderr)")
          .containsExactly("bank-node ready http=" + first.port());
      // SIGKILL right after the last acknowledgement: no shutdown hook, no flush.
      assertThat(first.jvm().kill9()).as("exit status of SIGKILL").isEqualTo(137);

      assertThat(dataDir.resolve("revenant.mv.db"))
          .as("the journal is in the --data-dir given").exists();

      Node second = startNode(jvms, "second", dataDir);
      for (String account : ACCOUNTS) {
        HttpResponse<String> r = get(second, "/accounts/" + account);
        assertThat(r.statusCode()).as("GET %s: %s", account, r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("balance").asLong())
            .as("balance of %s after kill -9 and restart", account)
            .isEqualTo(acknowledged.getOrDefault(account, 0L));
      }
    }
  }

  // ---------------------------------------------------------------- node processes

  private Node startNode(JvmNodes jvms, String name, Path dataDir) throws Exception {
    JvmNodes.Node jvm = jvms.start(name, JvmNodes.BANK_NODE,
        List.of("--http-port", "0", "--data-dir", dataDir.toString()));
    Matcher ready = jvm.awaitLine(READY, READY_TIMEOUT);
    return new Node(jvm, Integer.parseInt(ready.group(1)));
  }

  // ---------------------------------------------------------------- HTTP

  private HttpResponse<String> post(Node node, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(body))
            .build(),
        BodyHandlers.ofString());
  }

  private HttpResponse<String> get(Node node, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
            .timeout(Duration.ofSeconds(20))
            .GET()
            .build(),
        BodyHandlers.ofString());
  }
}
