package dev.revenant.samples.bank;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import dev.revenant.RecoverableBehavior;
import dev.revenant.RevenantConfig;
import dev.revenant.RecoveryReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bank node: an actor system with the account registry, the embedded H2 journal in a data
 * directory, and the HTTP interface of {@link BankRoutes}.
 *
 * <p>{@code main} prints {@code bank-node ready http=<port>} on stdout once it accepts requests
 * (logs go to stderr) and runs until killed; SIGTERM terminates the actor system cleanly.
 * Tests start nodes in-process with {@link #start(String, int, Path)}.
 */
public final class BankNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BankNode.class);

  public static final String DATA_DIR_KEY = "revenant.journal.h2-file.data-dir";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final String USAGE =
      "usage: bank-node [--http-port P] [--data-dir D] [--http-host H]\n"
          + "  --http-port P  port to serve HTTP on (default " + DEFAULT_PORT
          + "; 0 picks a free one)\n"
          + "  --data-dir D   directory of the journal database (default " + DEFAULT_DATA_DIR
          + ")\n"
          + "  --http-host H  address to bind (default " + DEFAULT_HOST + ", local only)\n"
          + "Prints 'bank-node ready http=<port>' when it accepts requests.";

  private final ActorSystem<AccountRegistry.Command> system;
  private final ServerBinding binding;

  private BankNode(ActorSystem<AccountRegistry.Command> system, ServerBinding binding) {
    this.system = system;
    this.binding = binding;
  }

  /** Starts a node bound to 127.0.0.1; {@code port} 0 picks a free port. */
  public static BankNode start(int port, Path dataDir) throws Exception {
    return start(DEFAULT_HOST, port, dataDir);
  }

  /**
   * Starts a node and returns once its journal works and its HTTP port accepts requests.
   *
   * @throws Exception if the journal or the HTTP server do not start; the actor system is then
   *     terminated again
   */
  public static BankNode start(String host, int port, Path dataDir) throws Exception {
    // RevenantConfig.load resolves the configuration after the override is in, so the journal
    // URL derived from the data directory follows it (overrides.withFallback(ConfigFactory
    // .load()) would resolve that URL from the default ./data first).
    Config config = RevenantConfig.load(
        Map.of(DATA_DIR_KEY, dataDir.toAbsolutePath().normalize().toString()));
    RecoverableBehavior<AccountMsg, Account> accounts = Accounts.behavior();
    ActorSystem<AccountRegistry.Command> system =
        ActorSystem.create(AccountRegistry.create(accounts), "bank", config);
    try {
      CompletableFuture<RecoveryReport> warmedUp = new CompletableFuture<>();
      system.systemActorOf(
          JournalWarmUp.create(accounts, warmedUp), "journal-warm-up", Props.empty());
      try {
        warmedUp.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException("the journal in [" + dataDir + "] did not start within "
            + START_TIMEOUT.toSeconds() + " s (see the log above)", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("the journal in [" + dataDir + "] did not start: "
            + e.getCause().getMessage(), e.getCause());
      }
      ServerBinding binding;
      try {
        binding =
            Http.get(system)
                .newServerAt(host, port)
                .bind(new BankRoutes(system, system, ASK_TIMEOUT).route())
                .toCompletableFuture()
                .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "cannot serve HTTP on " + host + ":" + port + ": " + e.getCause().getMessage(),
            e.getCause());
      }
      binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
      LOG.info("Bank node serving HTTP on {} with its journal in [{}]",
          binding.localAddress(), dataDir.toAbsolutePath());
      return new BankNode(system, binding);
    } catch (Exception e) {
      system.terminate();
      awaitTermination(system, Duration.ofSeconds(30));
      throw e;
    }
  }

  /** The port HTTP is served on (the chosen one if started with port 0). */
  public int port() {
    return binding.localAddress().getPort();
  }

  public ActorSystem<AccountRegistry.Command> system() {
    return system;
  }

  /** Stops serving and terminates the actor system; waits up to 30 s for it. */
  @Override
  public void close() {
    system.terminate();
    awaitTermination(system, Duration.ofSeconds(30));
  }

  private static void awaitTermination(ActorSystem<?> system, Duration timeout) {
    try {
      system.getWhenTerminated().toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Actor system [{}] did not terminate within {} s", system.name(),
          timeout.toSeconds());
    }
  }

  // ---------------------------------------------------------------- command line

  /** Parsed command line. */
  record Options(String host, int port, String dataDir) {}

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Parses {@code [--http-port P] [--data-dir D] [--http-host H]}, also {@code --flag=value}. */
  static Options parse(String[] args) throws UsageException {
    String host = DEFAULT_HOST;
    int port = DEFAULT_PORT;
    String dataDir = DEFAULT_DATA_DIR;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (flag) {
        case "--http-port", "--data-dir", "--http-host" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(flag + " needs a value");
            }
            value = args[++i];
          }
          if (value.isEmpty()) {
            throw new UsageException(flag + " needs a non-empty value");
          }
          switch (flag) {
            case "--http-port" -> port = parsePort(value);
            case "--data-dir" -> dataDir = value;
            default -> host = value;
          }
        }
        default -> throw new UsageException(
            arg.startsWith("-") ? "unknown option [" + arg + "]" : "unexpected argument [" + arg
                + "]");
      }
    }
    return new Options(host, port, dataDir);
  }

  private static int parsePort(String value) throws UsageException {
    try {
      int p = Integer.parseInt(value);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--http-port must be a port number from 0 to 65535, was [" + value
        + "]");
  }

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(USAGE);
      return;
    }
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      System.err.println("bank-node: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    BankNode node;
    try {
      node = start(options.host(), options.port(), Path.of(options.dataDir()));
    } catch (Exception e) {
      LOG.error("Bank node failed to start", e);
      System.err.println("bank-node: failed to start: "
          + (e.getMessage() != null ? e.getMessage() : e.toString()));
      System.exit(1);
      return;
    }
    PrintStream out = System.out;
    out.println("bank-node ready http=" + node.port());
    out.flush();
    // Runs until killed: SIGTERM runs Akka's coordinated shutdown (a JVM shutdown hook), which
    // unbinds HTTP and terminates the actor system.
    node.system.getWhenTerminated().toCompletableFuture().join();
    Optional<CoordinatedShutdown.Reason> reason =
        CoordinatedShutdown.get(node.system).getShutdownReason();
    if (reason.isEmpty() || !reason.get().equals(CoordinatedShutdown.jvmExitReason())) {
      LOG.error("Actor system terminated unexpectedly (reason: {})", reason.orElse(null));
      System.exit(1);
    }
  }
}
