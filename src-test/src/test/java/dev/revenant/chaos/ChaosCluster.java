package dev.revenant.chaos;

import dev.revenant.testing.JvmNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A bank cluster in real JVMs on 127.0.0.1 for the chaos test, on {@link JvmNodes}: a journal
 * server ({@code h2-server}) and {@code size} bank nodes in cluster mode on fixed free ports,
 * the first two being the seeds. Unlike {@code dev.revenant.cluster.BankCluster} (package-private
 * there) a node can be started again without waiting for it ({@link #launch}) and asked whether
 * it is ready without blocking ({@link #isReady}), so that the nemesis can kill nodes while
 * others are still starting. {@link #close} kills every JVM it started, by PID.
 */
final class ChaosCluster implements AutoCloseable {
  static final Pattern NODE_READY =
      Pattern.compile("^bank-node ready http=(\\d+) cluster=(\\d+)$");
  /** Three JVMs starting at once on two cores take ~20 s; leave room for a loaded machine. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  /** One member's fixed ports; it keeps them across restarts. */
  record Member(int index, int httpPort, int clusterPort) {
    @Override
    public String toString() {
      return "node" + index + " (127.0.0.1:" + clusterPort + ", http " + httpPort + ")";
    }
  }

  private final JvmNodes jvms;
  private final String profile;
  private final int journalPort;
  private final List<Member> members;
  private final JvmNodes.Node[] current;

  private ChaosCluster(Path dir, int size, String profile) throws IOException {
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

  /** Starts the journal server, member 0, then the others; returns when all are ready. */
  static ChaosCluster start(Path dir, int size, String profile) throws Exception {
    ChaosCluster c = new ChaosCluster(dir, size, profile);
    try {
      c.jvms.startAndAwait("journal", JvmNodes.JOURNAL_SERVER,
          List.of("--port", Integer.toString(c.journalPort),
              "--data-dir", dir.resolve("journal").toString()),
          JvmNodes.JOURNAL_READY, READY_TIMEOUT);
      c.launch(0).awaitLine(NODE_READY, READY_TIMEOUT);
      for (int i = 1; i < size; i++) {
        c.launch(i);
      }
      for (int i = 1; i < size; i++) {
        c.current[i].awaitLine(NODE_READY, READY_TIMEOUT);
      }
      return c;
    } catch (Throwable t) {
      c.close();
      throw t;
    }
  }

  /** Starts member {@code i}'s JVM (again) on its ports, without waiting for it. */
  synchronized JvmNodes.Node launch(int i) throws IOException {
    if (current[i] != null && current[i].isAlive()) {
      throw new IllegalStateException(members.get(i) + " is still running");
    }
    Member m = members.get(i);
    String seeds = "127.0.0.1:" + members.get(0).clusterPort()
        + (members.size() > 1 ? ",127.0.0.1:" + members.get(1).clusterPort() : "");
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

  /** Whether member {@code i}'s current JVM has printed its ready line (does not block). */
  synchronized boolean isReady(int i) {
    JvmNodes.Node node = current[i];
    if (node == null || !node.isAlive()) {
      return false;
    }
    try {
      return Files.readAllLines(node.out(), StandardCharsets.UTF_8).stream()
          .anyMatch(l -> NODE_READY.matcher(l).matches());
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits, bounded, for member {@code i}'s current JVM to be ready. */
  void awaitReady(int i, Duration timeout) throws InterruptedException {
    JvmNodes.Node node;
    synchronized (this) {
      node = current[i];
    }
    node.awaitLine(NODE_READY, timeout);
  }

  /** kill -9 of member {@code i}'s JVM (by PID); returns its exit status. */
  int kill9(int i) throws InterruptedException {
    JvmNodes.Node node;
    synchronized (this) {
      node = current[i];
    }
    return node.kill9();
  }

  synchronized long pid(int i) {
    return current[i].pid();
  }

  List<Member> members() {
    return members;
  }

  Path dir() {
    return jvms.dir();
  }

  /** The end of every node's current log, for failure messages. */
  synchronized String logs(int lines) {
    StringBuilder b = new StringBuilder();
    for (JvmNodes.Node n : current) {
      if (n != null) {
        b.append(n.tail(lines)).append('\n');
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    jvms.close();
  }
}
