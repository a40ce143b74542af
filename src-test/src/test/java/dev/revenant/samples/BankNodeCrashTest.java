package dev.revenant.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged bank node in a JVM of its own, killed with SIGKILL right after its last
 * acknowledged deposit: after a restart on the same data directory every acknowledged deposit
 * is there. Needs {@code samples/target/revenant-samples.jar} and {@code samples/target/lib}
 * (built by the samples module's package phase, which a reactor build runs before this module).
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

  /** A running node: its process, port and output files. */
  private record Node(Process process, int port, Path out, Path log) {}

  @Test
  void everyAcknowledgedDepositSurvivesKill9() throws Exception {
    Path dataDir = work.resolve("data");
    Node first = null;
    Node second = null;
    try {
      first = startNode("first", dataDir);
      Map<String, Long> acknowledged = new TreeMap<>();
      Random random = new Random(42);
      for (int i = 0; i < 200; i++) {
        String account = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
        long amount = 1 + random.nextInt(i % 3 == 0 ? 1_000_000 : 500);
        HttpResponse<String> r = post(first, "/accounts/" + account + "/deposit",
            "{\"amount\":" + amount + "}");
        assertThat(r.statusCode()).as("deposit %d: %s\n%s", i, r.body(), tail(first.log()))
            .isEqualTo(200);
        long expected = acknowledged.merge(account, amount, Long::sum);
        assertThat(JSON.readTree(r.body()).get("balance").asLong()).isEqualTo(expected);
      }
      assertThat(Files.readAllLines(first.out(), StandardCharsets.UTF_8))
          .as("stdout carries the ready line only (logs go to stderr)")
          .containsExactly("bank-node ready http=" + first.port());
      // SIGKILL right after the last acknowledgement: no shutdown hook, no flush.
      first.process().destroyForcibly();
      assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).as("killed node exits").isTrue();
      assertThat(first.process().exitValue()).as("exit status of SIGKILL").isEqualTo(137);

      assertThat(dataDir.resolve("revenant.mv.db"))
          .as("the journal is in the --data-dir given").exists();

      second = startNode("second", dataDir);
      for (String account : ACCOUNTS) {
        HttpResponse<String> r = get(second, "/accounts/" + account);
        assertThat(r.statusCode()).as("GET %s: %s", account, r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("balance").asLong())
            .as("balance of %s after kill -9 and restart", account)
            .isEqualTo(acknowledged.getOrDefault(account, 0L));
      }
    } finally {
      destroy(first);
      destroy(second);
    }
  }

  // ---------------------------------------------------------------- node processes

  /** samples/target, next to this module (surefire runs tests in the module's directory). */
  private static Path samplesTarget() {
    String override = System.getProperty("revenant.samples.target");
    if (override != null) {
      return Path.of(override);
    }
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return module.resolve("../samples/target").toAbsolutePath().normalize();
  }

  private Node startNode(String name, Path dataDir) throws Exception {
    Path target = samplesTarget();
    Path jar = target.resolve("revenant-samples.jar");
    Path lib = target.resolve("lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      fail("The packaged bank node is missing: expected " + jar + " and " + lib + "/. Build it"
          + " with 'mvn -B install -DskipTests -pl samples -am' from the project directory (a"
          + " reactor 'mvn verify' builds it before this module's tests), or point"
          + " -Drevenant.samples.target at the directory that holds them.");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = work.resolve(name + ".out");
    Path log = work.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                java.toString(),
                "-cp", jar + File.pathSeparator + lib + File.separator + "*",
                "dev.revenant.samples.bank.BankNode",
                "--http-port", "0",
                "--data-dir", dataDir.toString())
            .redirectOutput(out.toFile())
            .redirectError(log.toFile());
    Process process = pb.start();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
          Matcher m = READY.matcher(line);
          if (m.matches()) {
            return new Node(process, Integer.parseInt(m.group(1)), out, log);
          }
        }
        if (!process.isAlive()) {
          fail("bank node [" + name + "] exited with " + process.exitValue()
              + " before it was ready\n" + tail(log));
        }
        Thread.sleep(100);
      }
      fail("bank node [" + name + "] not ready within " + READY_TIMEOUT.toSeconds() + " s\n"
          + tail(log));
      return null;
    } catch (Throwable t) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw t;
    }
  }

  private static void destroy(Node node) throws InterruptedException {
    if (node != null && node.process().isAlive()) {
      node.process().destroyForcibly();
      node.process().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "--- end of the node's log ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
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
