package dev.revenant.testing;

import dev.revenant.samples.bank.BankNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A bank node started in this JVM on 127.0.0.1 (a free port) with a fresh journal in a temporary
 * directory, and a {@link BankClient} of it. Registered on a static field, one node serves the
 * whole test class; on an instance field, every test gets a node of its own:
 *
 * <pre>{@code
 * @RegisterExtension static final InProcessBankNode node = new InProcessBankNode();
 * private static final BankClient bank = node.client();
 * }</pre>
 *
 * <p>The node is closed, and its directory deleted, after the class or the test.
 */
public final class InProcessBankNode
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final BankClient client = new BankClient(this::port);
  /** Set by {@link #beforeAll}, which JUnit calls only for an extension on a static field. */
  private boolean forWholeClass;
  private Path dataDir;
  private BankNode node;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    forWholeClass = true;
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!forWholeClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (!forWholeClass) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    stop();
  }

  /** A client of the node; it follows the node across {@link #restart}s. */
  public BankClient client() {
    return client;
  }

  /** The port the node serves HTTP on. */
  public int port() {
    return node.port();
  }

  /** Closes the node and starts it again on the same journal (on another free port). */
  public void restart() throws Exception {
    node.close();
    node = null;
    node = BankNode.start(0, dataDir);
  }

  private void start() throws Exception {
    dataDir = Files.createTempDirectory("bank-node-");
    node = BankNode.start(0, dataDir);
  }

  private void stop() throws IOException {
    try {
      if (node != null) {
        node.close();
        node = null;
      }
    } finally {
      if (dataDir != null) {
        deleteRecursively(dataDir);
        dataDir = null;
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.delete(p);
    }
  }
}
