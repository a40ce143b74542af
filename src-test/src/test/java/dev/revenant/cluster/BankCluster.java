package dev.revenant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.revenant.testing.JvmNodes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * A bank cluster in real JVMs on 127.0.0.1: one journal server ({@code h2-server} backend) and
 * {@code size} bank nodes on free ports, the first two of them seed nodes. Member 0 is started
 * (and Up) before the others, so it is the oldest member and hosts the shard coordinator.
 */
final class BankCluster implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern NODE_READY =
      Pattern.compile("^bank-node ready http=(\\d+) cluster=(\\d+)$");
  /** Three JVMs starting at once on two cores take ~20 s; leave room for a loaded machine. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  /** One member's fixed ports; it keeps them across restarts. */
  record Member(int index, int httpPort, int clusterPort) {
    /** As the bank shows it in /cluster and in "node". */
    String address() {
      return "127.0.0.1:" + clusterPort;
    }

    @Override
    public String toString() {
      return "node" + index + " (" + address() + ", http " + httpPort + ")";
    }
  }

  private final JvmNodes jvms;
  private final String profile;
  private final int journalPort;
  private final List<Member> members;
  private final JvmNodes.Node[] current;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();

  private BankCluster(Path dir, int size, String profile) throws IOException {
    this.jvms = new JvmNodes(dir);
    this.profile = profile;
    List<Integer> ports = JvmNodes.freePorts(1 + 2 * size);
    this.journalPort = ports.get(0);
    List<Member> m = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      m.add(new Member(i, ports.get(1 + 2 * i), ports.get(2 + 2 * i)));
    }
    this.members = List.copyOf(m);
    this.current = new JvmNodes.Node[size];
  }

  /**
   * Starts the journal server, then member 0, then the others at once; returns when all are
   * ready. Kills whatever it started if that fails.
   */
  static BankCluster start(Path dir, int size, String profile) throws Exception {
    BankCluster c = new BankCluster(dir, size, profile);
    try {
      long t0 = System.nanoTime();
      c.jvms.startAndAwait("journal", JvmNodes.JOURNAL_SERVER,
          List.of("--port", Integer.toString(c.journalPort),
              "--data-dir", dir.resolve("journal").toString()),
          JvmNodes.JOURNAL_READY, READY_TIMEOUT);
      c.launch(0).awaitLine(NODE_READY, READY_TIMEOUT);
      List<JvmNodes.Node> rest = new ArrayList<>();
      for (int i = 1; i < size; i++) {
        rest.add(c.launch(i));
      }
      for (JvmNodes.Node n : rest) {
        n.awaitLine(NODE_READY, READY_TIMEOUT);
      }
      log("cluster of %d nodes (%s) with journal server on port %d ready in %d ms; files in %s",
          size, profile, c.journalPort, (System.nanoTime() - t0) / 1_000_000, dir);
      return c;
    } catch (Throwable t) {
      c.close();
      throw t;
    }
  }

  private JvmNodes.Node launch(int i) throws IOException {
    Member m = members.get(i);
    String seeds = members.get(0).address()
        + (members.size() > 1 ? "," + members.get(1).address() : "");
    JvmNodes.Node node = jvms.start("node" + i, JvmNodes.BANK_NODE, List.of(
        "--http-port", Integer.toString(m.httpPort()),
        "--cluster-port", Integer.toString(m.clusterPort()),
        "--seeds", seeds,
        "--journal", "h2-server",
        "--journal-port", Integer.toString(journalPort),
        "--profile", profile));
    current[i] = node;
    return node;
  }

  /** Starts member {@code i} again on its ports (after it was killed) and waits for it. */
  JvmNodes.Node restart(int i) throws Exception {
    if (current[i] != null && current[i].isAlive()) {
      throw new IllegalStateException(members.get(i) + " is still running");
    }
    JvmNodes.Node node = launch(i);
    node.awaitLine(NODE_READY, READY_TIMEOUT);
    return node;
  }

  /** kill -9 of member {@code i}'s JVM; returns its exit status. */
  int kill9(int i) throws InterruptedException {
    return current[i].kill9();
  }

  JvmNodes.Node jvm(int i) {
    return current[i];
  }

  List<Member> members() {
    return members;
  }

  Member member(int i) {
    return members.get(i);
  }

  /** The member with this address ("127.0.0.1:C"). */
  Member byAddress(String address) {
    return members.stream().filter(m -> m.address().equals(address)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member at " + address));
  }

  /** The members other than {@code victim}. */
  List<Member> survivors(Member victim) {
    return members.stream().filter(m -> m != victim).toList();
  }

  /** The end of every node's log, for failure messages. */
  String logs() {
    StringBuilder b = new StringBuilder();
    for (JvmNodes.Node n : current) {
      if (n != null) {
        b.append(n.tail(25)).append('\n');
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    jvms.close();
  }

  // ---------------------------------------------------------------- HTTP

  HttpResponse<String> get(Member via, String path, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(getRequest(via, path, timeout), BodyHandlers.ofString());
  }

  CompletableFuture<HttpResponse<String>> getAsync(Member via, String path, Duration timeout) {
    return http.sendAsync(getRequest(via, path, timeout), BodyHandlers.ofString());
  }

  HttpResponse<String> deposit(Member via, String account, long amount, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(via, "/accounts/" + account + "/deposit"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString("{\"amount\":" + amount + "}"))
            .build(),
        BodyHandlers.ofString());
  }

  /** {@code GET /cluster} of {@code via}. */
  JsonNode clusterView(Member via) throws IOException, InterruptedException {
    HttpResponse<String> r = get(via, "/cluster", Duration.ofSeconds(5));
    if (r.statusCode() != 200) {
      throw new IOException("GET /cluster of " + via + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The status of {@code address} in {@code via}'s /cluster, or "absent". */
  String statusOf(Member via, String address) throws IOException, InterruptedException {
    for (JsonNode m : clusterView(via).get("members")) {
      if (m.get("address").asText().equals(address)) {
        return m.get("status").asText();
      }
    }
    return "absent";
  }

  private static HttpRequest getRequest(Member via, String path, Duration timeout) {
    return HttpRequest.newBuilder(uri(via, path)).timeout(timeout).GET().build();
  }

  private static URI uri(Member via, String path) {
    return URI.create("http://127.0.0.1:" + via.httpPort() + path);
  }

  static void log(String format, Object... args) {
    System.out.printf("[cluster-test] " + format + "%n", args);
    System.out.flush();
  }
}
