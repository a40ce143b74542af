package dev.revenant.samples.bank;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import akka.cluster.MemberStatus;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import dev.revenant.RecoverableBehavior;
import dev.revenant.journal.JournalHealth;
import dev.revenant.RevenantConfig;
import dev.revenant.RecoveryReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bank node: an actor system with the account and transfer entities, the journal (by default
 * the embedded H2 journal in a data directory) and the HTTP interface of {@link BankRoutes}.
 *
 * <p>Accounts and transfers are sharded entity types in both modes: transfers reach accounts
 * with {@code context.deliver}, which goes through cluster sharding. A single node (no
 * {@code --cluster-port}) therefore runs as a one-node cluster: Akka's cluster provider on
 * 127.0.0.1, on an ephemeral port (or {@code -Dakka.remote.artery.canonical.port=N}), joining
 * itself; nothing about it shows outside (no {@code /cluster}, no {@code node} in answers).
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
          + "                 [--journal h2-file|h2-server|postgres|mariadb|in-memory]\n"
          + "                 [--jdbc-url URL] [--journal-port J]\n"
          + "                 [--cluster-port C --seeds 127.0.0.1:C1,127.0.0.1:C2"
          + " [--profile safe|fast-failover] [--rejoin]]\n"
          + "  --http-port P     port to serve HTTP on (default " + DEFAULT_PORT
          + "; 0 picks a free one)\n"
          + "  --data-dir D      directory of the embedded journal (h2-file; default "
          + DEFAULT_DATA_DIR + ")\n"
          + "  --http-host H     address to bind (default " + DEFAULT_HOST + ", local only)\n"
          + "  --journal B       journal backend (default h2-file; h2-server in cluster mode)\n"
          + "  --jdbc-url URL    JDBC URL of the postgres or mariadb journal\n"
          + "  --journal-port J  port of the h2-server journal server (default 9092)\n"
          + "  --cluster-port C  join an Akka cluster on 127.0.0.1:C (cluster mode)\n"
          + "  --seeds LIST      the cluster's seed nodes, host:port separated by commas\n"
          + "  --profile NAME    cluster timing profile (default safe)\n"
          + "  --rejoin          join the running cluster, never form a new one: for a node\n"
          + "                    started again, the first seed included (see the README)\n"
          + "Prints 'bank-node ready http=<port>' (with ' cluster=<C>' in cluster mode) when it"
          + " accepts requests.";

  private final ActorSystem<Void> system;
  private final ServerBinding binding;

  private BankNode(ActorSystem<Void> system, ServerBinding binding) {
    this.system = system;
    this.binding = binding;
  }

  /** Waits until this node is an Up member of the cluster. */
  private static void awaitMembership(ActorSystem<?> system, boolean clustered)
      throws InterruptedException {
    Cluster cluster = Cluster.get(system);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("did not become an Up member of the cluster within "
            + START_TIMEOUT.toSeconds() + " s; "
            + (clustered ? "are the seed nodes running?" : "joining itself failed")
            + " (see the log above)");
      }
      Thread.sleep(50);
    }
  }

  /** Starts a node bound to 127.0.0.1; {@code port} 0 picks a free port. */
  public static BankNode start(int port, Path dataDir) throws Exception {
    return start(DEFAULT_HOST, port, dataDir);
  }

  /** Starts a single node on the embedded journal in {@code dataDir}. */
  public static BankNode start(String host, int port, Path dataDir) throws Exception {
    return start(new Options(host, port, dataDir.toString(), "h2-file", null, null, null,
        List.of(), "safe"));
  }

  /**
   * Starts a node and returns once its journal works, it is a cluster member (in cluster mode)
   * and its HTTP port accepts requests.
   *
   * @throws Exception if the journal, the cluster or the HTTP server do not start; the actor
   *     system is then terminated again
   */
  public static BankNode start(Options options) throws Exception {
    // RevenantConfig.load resolves the configuration after the overrides are in, so the journal
    // URL derived from the data directory follows them (overrides.withFallback(ConfigFactory
    // .load()) would resolve that URL from the default ./data first).
    Config config = RevenantConfig.load(options.configOverrides());
    Path dataDir = Path.of(options.dataDir());
    RecoverableBehavior<AccountMsg, Account> accounts = Accounts.behavior();
    RecoverableBehavior<TransferMsg, Transfer> transfers = Transfers.behavior(accounts);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bank", config);
    try {
      if (!options.clustered()) {
        // A cluster of one: this node is its own (only) seed.
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      awaitMembership(system, options.clustered());
      CompletableFuture<RecoveryReport> warmedUp = new CompletableFuture<>();
      system.systemActorOf(
          JournalWarmUp.create(accounts, warmedUp), "journal-warm-up", Props.empty());
      try {
        warmedUp.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException("the journal (" + options.journal() + ") did not start"
            + " within " + START_TIMEOUT.toSeconds() + " s (see the log above)", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("the journal (" + options.journal() + ") did not start: "
            + e.getCause().getMessage(), e.getCause());
      }
      // Both types on every node, before the first request: a transfer delivers to accounts and
      // accounts answer transfers, wherever either lives.
      AccountGateway gateway = AccountGateway.cluster(system, accounts);
      TransferGateway transferGateway = TransferGateway.cluster(system, transfers);
      BankRoutes routes = new BankRoutes(system, gateway, transferGateway, ASK_TIMEOUT,
          Optional.of(JournalHealth.of(system)), options.clustered());
      ServerBinding binding;
      try {
        binding =
            Http.get(system)
                .newServerAt(options.host(), options.port())
                .bind(routes.route())
                .toCompletableFuture()
                .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "cannot serve HTTP on " + options.host() + ":" + options.port() + ": "
                + e.getCause().getMessage(),
            e.getCause());
      }
      binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
      LOG.info("Bank node serving HTTP on {} with journal [{}]{}{}", binding.localAddress(),
          options.journal(), options.journal().equals("h2-file")
              ? " in [" + dataDir.toAbsolutePath() + "]" : "",
          options.clustered() ? "" : " (a one-node cluster on "
              + ClusterView.hostPort(Cluster.get(system).selfMember().address()) + ")");
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

  public ActorSystem<Void> system() {
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

  /**
   * Parsed command line.
   *
   * @param journal backend name
   * @param jdbcUrl for postgres or mariadb, or null for the configured default
   * @param journalPort for h2-server, or null for the configured default
   * @param clusterPort null for a single node
   * @param seeds host:port of the seed nodes (cluster mode)
   * @param profile cluster profile
   * @param rejoin join a running cluster and never form a new one: the node's own address is
   *     moved behind the other seeds, so Akka does not let it join itself when they do not answer
   *     in time (a restarted first seed node would otherwise form a second cluster)
   */
  public record Options(
      String host,
      int port,
      String dataDir,
      String journal,
      String jdbcUrl,
      Integer journalPort,
      Integer clusterPort,
      List<String> seeds,
      String profile,
      boolean rejoin) {

    /** Options of a node that may form a new cluster (without {@code --rejoin}). */
    public Options(String host, int port, String dataDir, String journal, String jdbcUrl,
        Integer journalPort, Integer clusterPort, List<String> seeds, String profile) {
      this(host, port, dataDir, journal, jdbcUrl, journalPort, clusterPort, seeds, profile,
          false);
    }

    boolean clustered() {
      return clusterPort != null;
    }

    /** The configuration this command line asks for, in HOCON path form. */
    Map<String, Object> configOverrides() {
      Map<String, Object> o = new HashMap<>();
      o.put(DATA_DIR_KEY, Path.of(dataDir).toAbsolutePath().normalize().toString());
      o.put("revenant.journal.backend", journal);
      if (jdbcUrl != null) {
        o.put("revenant.journal." + journal + ".url", jdbcUrl);
      }
      if (journalPort != null) {
        o.put("revenant.journal.h2-server.port", journalPort);
      }
      // Always a cluster (a single node is a cluster of one that joins itself), since
      // context.deliver between transfers and accounts goes through cluster sharding.
      o.put("akka.actor.provider", "cluster");
      o.put("akka.remote.artery.canonical.hostname", "127.0.0.1");
      o.put("akka.remote.artery.canonical.port", clustered() ? clusterPort : 0);
      if (clustered()) {
        List<String> ordered = new ArrayList<>(seeds);
        String self = "127.0.0.1:" + clusterPort;
        if (rejoin && ordered.size() > 1 && ordered.remove(self)) {
          // Akka lets only the first seed node join itself (when no other seed answers within
          // akka.cluster.seed-node-timeout); any other position keeps asking the others.
          ordered.add(self);
        }
        List<String> seedNodes = new ArrayList<>();
        for (String seed : ordered) {
          seedNodes.add("akka://bank@" + seed);
        }
        o.put("akka.cluster.seed-nodes", seedNodes);
        o.put("revenant.cluster.profile", profile);
      }
      return o;
    }
  }

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  private static final List<String> JOURNALS =
      List.of("h2-file", "h2-server", "postgres", "mariadb", "in-memory");
  private static final List<String> PROFILES = List.of("safe", "fast-failover");

  /** Parses the command line of {@link #USAGE}, also {@code --flag=value}. */
  static Options parse(String[] args) throws UsageException {
    String host = DEFAULT_HOST;
    int port = DEFAULT_PORT;
    String dataDir = DEFAULT_DATA_DIR;
    String journal = null;
    String jdbcUrl = null;
    Integer journalPort = null;
    Integer clusterPort = null;
    List<String> seeds = List.of();
    String profile = "safe";
    boolean rejoin = false;
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
        case "--rejoin" -> {
          if (value != null) {
            throw new UsageException("--rejoin takes no value, was [" + arg + "]");
          }
          rejoin = true;
        }
        case "--http-port", "--data-dir", "--http-host", "--journal", "--jdbc-url",
            "--journal-port", "--cluster-port", "--seeds", "--profile" -> {
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
            case "--http-port" -> port = parsePort(flag, value, 0);
            case "--data-dir" -> dataDir = value;
            case "--journal" -> journal = oneOf(flag, value, JOURNALS);
            case "--jdbc-url" -> jdbcUrl = value;
            case "--journal-port" -> journalPort = parsePort(flag, value, 1);
            case "--cluster-port" -> clusterPort = parsePort(flag, value, 1);
            case "--seeds" -> seeds = parseSeeds(value);
            case "--profile" -> profile = oneOf(flag, value, PROFILES);
            default -> host = value;
          }
        }
        default -> throw new UsageException(
            arg.startsWith("-") ? "unknown option [" + arg + "]" : "unexpected argument [" + arg
                + "]");
      }
    }
    if (journal == null) {
      journal = clusterPort != null ? "h2-server" : "h2-file";
    }
    if (clusterPort == null && (!seeds.isEmpty())) {
      throw new UsageException("--seeds needs --cluster-port");
    }
    if (rejoin && clusterPort == null) {
      throw new UsageException("--rejoin needs --cluster-port and --seeds");
    }
    if (clusterPort != null && (journal.equals("h2-file") || journal.equals("in-memory"))) {
      throw new UsageException("cluster mode needs a journal every node reaches: --journal"
          + " h2-server, postgres or mariadb, was [" + journal + "]");
    }
    if (jdbcUrl != null && !(journal.equals("postgres") || journal.equals("mariadb"))) {
      throw new UsageException("--jdbc-url goes with --journal postgres or mariadb, not ["
          + journal + "]");
    }
    if (clusterPort != null && seeds.isEmpty()) {
      if (rejoin) {
        throw new UsageException("--rejoin needs --seeds naming a node of the running cluster");
      }
      seeds = List.of("127.0.0.1:" + clusterPort); // the first node of a new cluster
    }
    if (rejoin && seeds.equals(List.of("127.0.0.1:" + clusterPort))) {
      throw new UsageException("--rejoin needs --seeds naming another node than this one ("
          + seeds.get(0) + ")");
    }
    return new Options(host, port, dataDir, journal, jdbcUrl, journalPort, clusterPort, seeds,
        profile, rejoin);
  }

  private static int parsePort(String flag, String value, int min) throws UsageException {
    try {
      int p = Integer.parseInt(value);
      if (p >= min && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(flag + " must be a port number from " + min + " to 65535, was ["
        + value + "]");
  }

  private static String oneOf(String flag, String value, List<String> allowed)
      throws UsageException {
    if (!allowed.contains(value)) {
      throw new UsageException(flag + " must be one of " + allowed + ", was [" + value + "]");
    }
    return value;
  }

  private static List<String> parseSeeds(String value) throws UsageException {
    List<String> out = new ArrayList<>();
    for (String seed : value.split(",")) {
      String s = seed.strip();
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || !s.substring(0, colon).equals("127.0.0.1")) {
        throw new UsageException("--seeds takes 127.0.0.1:<port> entries separated by commas,"
            + " was [" + seed + "]");
      }
      parsePort("--seeds", s.substring(colon + 1), 1);
      out.add(s);
    }
    return List.copyOf(out);
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
      node = start(options);
    } catch (Exception e) {
      LOG.error("Bank node failed to start", e);
      System.err.println("bank-node: failed to start: "
          + (e.getMessage() != null ? e.getMessage() : e.toString()));
      System.exit(1);
      return;
    }
    PrintStream out = System.out;
    out.println("bank-node ready http=" + node.port()
        + (options.clustered() ? " cluster=" + options.clusterPort() : ""));
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
