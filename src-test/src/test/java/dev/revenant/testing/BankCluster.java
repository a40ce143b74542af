package dev.revenant.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * A bank cluster in real JVMs on 127.0.0.1, on {@link JvmNodes}: one journal server
 * ({@code h2-server} backend) and {@code size} bank nodes in cluster mode on free ports, the
 * first two of them seed nodes. Member 0 is started (and Up) before the others, so it is the
 * oldest member and hosts the shard coordinator.
 *
 * <p>A member keeps its ports across restarts. It can be started again and waited for
 * ({@link #restart}), or started without waiting ({@link #launch}) and asked whether it is ready
 * without blocking ({@link #isReady}), so that a nemesis can kill nodes while others are still
 * starting. {@link #close} kills every JVM it started, by PID.
 */
public final class BankCluster implements AutoCloseable {
  public static final Pattern NODE_READY =
      Pattern.compile("^bank-node ready http=(\\d+) cluster=(\\d+)$");
  /** Three JVMs starting at once on two cores take ~20 s; leave room for a loaded machine. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  /** One member's fixed ports; it keeps them across restarts. */
  public record Member(int index, int httpPort, int clusterPort) {
    /** As the bank shows it in /cluster and in "node". */
    public String address() {
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
  private final List<BankClient> clients;
  /** Each member's latest JVM; guarded by {@code this}. */
  private final JvmNodes.Node[] current;

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
    HttpClient http = BankClient.httpClient(Duration.ofSeconds(3));
    this.clients = members.stream().map(x -> new BankClient(http, x::httpPort)).toList();
    this.current = new JvmNodes.Node[size];
  }

  /**
   * Starts the journal server, then member 0, then the others at once; returns when all are
   * ready. Kills whatever it started if that fails.
   */
  public static BankCluster start(Path dir, int size, String profile)
      throws IOException, InterruptedException {
    BankCluster c = new BankCluster(dir, size, profile);
    try {
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
      return c;
    } catch (Throwable t) {
      c.close();
      throw t;
    }
  }

  /**
   * Starts member {@code i}'s JVM (again, after it was killed) on its ports, without waiting for
   * it.
   *
   * @throws IllegalStateException if its JVM is still running
   */
  public synchronized JvmNodes.Node launch(int i) throws IOException {
    if (current[i] != null && current[i].isAlive()) {
      throw new IllegalStateException(members.get(i) + " is still running");
    }
    Member m = members.get(i);
    String seeds = members.get(0).address()
        + (members.size() > 1 ? "," + members.get(1).address() : "");
    List<String> args = new ArrayList<>(List.of(
        "--http-port", Integer.toString(m.httpPort()),
        "--cluster-port", Integer.toString(m.clusterPort()),
        "--seeds", seeds,
        "--journal", "h2-server",
        "--journal-port", Integer.toString(journalPort),
        "--profile", profile));
    if (current[i] != null) {
      // Started again into the running cluster: as a supervisor should, so that member 0, the
      // first seed, does not form a cluster of its own while the others still wait to remove
      // its previous incarnation (README, "Restarting a node").
      args.add("--rejoin");
    }
    JvmNodes.Node node = jvms.start("node" + i, JvmNodes.BANK_NODE, args);
    current[i] = node;
    return node;
  }

  /** {@link #launch}, then waits for member {@code i} to be ready. */
  public JvmNodes.Node restart(int i) throws IOException, InterruptedException {
    JvmNodes.Node node = launch(i);
    node.awaitLine(NODE_READY, READY_TIMEOUT);
    return node;
  }

  /** Whether member {@code i}'s current JVM runs and has printed its ready line; does not wait. */
  public synchronized boolean isReady(int i) {
    JvmNodes.Node node = current[i];
    return node != null && node.isAlive() && node.hasLine(NODE_READY);
  }

  /** Waits, bounded, for member {@code i}'s current JVM to be ready. */
  public void awaitReady(int i, Duration timeout) throws InterruptedException {
    jvm(i).awaitLine(NODE_READY, timeout);
  }

  /** kill -9 of member {@code i}'s JVM (by PID); returns its exit status. */
  public int kill9(int i) throws InterruptedException {
    return jvm(i).kill9();
  }

  public long pid(int i) {
    return jvm(i).pid();
  }

  private synchronized JvmNodes.Node jvm(int i) {
    return current[i];
  }

  public List<Member> members() {
    return members;
  }

  public Member member(int i) {
    return members.get(i);
  }

  /** The member with this address ("127.0.0.1:C"). */
  public Member byAddress(String address) {
    return members.stream().filter(m -> m.address().equals(address)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member at " + address));
  }

  /** The members other than {@code victim}. */
  public List<Member> survivors(Member victim) {
    return members.stream().filter(m -> m != victim).toList();
  }

  public int journalPort() {
    return journalPort;
  }

  /** The directory of the JVMs' output files (the journal's data is in its "journal"). */
  public Path dir() {
    return jvms.dir();
  }

  /** The end (25 lines) of every node's current log, for failure messages. */
  public String logs() {
    return logs(25);
  }

  /** The end of every node's current log, for failure messages. */
  public synchronized String logs(int lines) {
    StringBuilder b = new StringBuilder();
    for (JvmNodes.Node n : current) {
      if (n != null) {
        b.append(n.tail(lines)).append('\n');
      }
    }
    return b.toString();
  }

  /** Akka's cluster membership events in every node's current log, for failure messages. */
  public synchronized String membershipLog() {
    Pattern events = Pattern.compile("JOINING itself|InitJoin|Welcome from|UNREACHABLE|as \\[Down\\]"
        + "|Leader is (moving|removing)|SBR took decision|Harmless quarantine|Shutting down");
    StringBuilder b = new StringBuilder();
    for (JvmNodes.Node n : current) {
      if (n != null) {
        b.append(n.grep(events)).append('\n');
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    jvms.close();
  }

  // ---------------------------------------------------------------- HTTP

  /** A client of member {@code via}'s HTTP interface (3 s connect timeout). */
  public BankClient client(Member via) {
    return clients.get(via.index());
  }

  /** {@code GET path} of {@code via}, answered as it came. */
  public HttpResponse<String> get(Member via, String path, Duration timeout)
      throws IOException, InterruptedException {
    return client(via).exchange("GET", path, null, timeout);
  }

  public CompletableFuture<HttpResponse<String>> getAsync(
      Member via, String path, Duration timeout) {
    return client(via).exchangeAsync("GET", path, null, timeout);
  }

  /** A deposit through {@code via}, answered as it came. */
  public HttpResponse<String> deposit(Member via, String account, long amount, Duration timeout)
      throws IOException, InterruptedException {
    return client(via).exchange("POST", "/accounts/" + account + "/deposit",
        "{\"amount\":" + amount + "}", timeout);
  }

  /** {@code GET /cluster} of {@code via}. */
  public JsonNode clusterView(Member via) throws IOException, InterruptedException {
    HttpResponse<String> r = get(via, "/cluster", Duration.ofSeconds(5));
    if (r.statusCode() != 200) {
      throw new IOException("GET /cluster of " + via + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return BankClient.JSON.readTree(r.body());
  }
}
