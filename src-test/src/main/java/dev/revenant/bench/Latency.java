package dev.revenant.bench;

import dev.revenant.samples.bank.AccountGateway;
import dev.revenant.samples.bank.AccountMsg;
import dev.revenant.samples.bank.AccountReply;
import dev.revenant.samples.bank.Accounts;
import dev.revenant.samples.bank.BankNode;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * W5, latency: one deposit at a time through the bank sample's HTTP API (a node started in this
 * JVM, on the backend's journal), timed per request at the client, against a raw single-row
 * INSERT and commit on the same database (the least a durable acknowledgement can cost).
 */
final class Latency {
  private static final int ACCOUNTS = 20;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final int JIT_CYCLE = 500;
  private static final long JIT_QUIET_MS = 150;

  private final Bench bench;
  private String warmUp = "";

  Latency(Bench bench) {
    this.bench = bench;
  }

  void run(Backend b) throws Exception {
    Bench.Sizes z = bench.sizes;
    int n = z.w5Requests();
    String w = "W5 latency, " + Bench.fmtCount(n) + " sequential requests";
    Results results = bench.results;
    Results.Series revP50 = results.series(b.name(), w,
        "Revenant: bank deposit over HTTP, round trip p50", "ms");
    Results.Series revP99 = results.series(b.name(), w,
        "Revenant: bank deposit over HTTP, round trip p99", "ms");
    Results.Series rawP50 = results.series(b.name(), w,
        "raw single-row INSERT + commit, p50", "ms");
    Results.Series rawP99 = results.series(b.name(), w,
        "raw single-row INSERT + commit, p99", "ms");
    Results.Series budget = results.series(b.name(), w,
        "Revenant p50 ÷ (1.5 × raw p50 + 1 ms)", "×");
    budget.target = "≤ 1.0× (p50 ≤ 1.5 × raw + 1 ms)";
    budget.atMost = 1.0;
    Results.Series httpP50 = results.series(b.name(), w,
        "HTTP alone: GET of an unknown path (404, no entity, no journal), p50 (diagnostic)", "ms");
    Results.Series postP50 = results.series(b.name(), w,
        "HTTP alone: POST of the deposit's body to an unknown path (404, no entity, no journal),"
            + " p50 (diagnostic)", "ms");
    Results.Series askP50 = results.series(b.name(), w,
        "the same deposit as a sharded ask in the node's JVM, no HTTP, p50 (diagnostic)", "ms");
    results.ratio(revP50, rawP50, "Revenant p50 ÷ raw commit p50", "", 0);
    results.ratio(revP99, rawP99, "Revenant p99 ÷ raw commit p99", "", 0);

    Path dir = Files.createTempDirectory(bench.scratch, "w5-" + b.name() + "-");
    String journal = b.name();
    BankNode node = BankNode.start(new BankNode.Options("127.0.0.1", 0, dir.toString(), journal,
        b.serverUrl(), null, null, List.of(), "safe"));
    try (node) {
      String dbKey = "akka-persistence-jdbc.shared-databases.revenant-" + journal + ".db";
      com.typesafe.config.Config db = node.system().settings().config().getConfig(dbKey);
      Bench.Connector connector = () -> BenchSystem.connect(db);
      HttpClient http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
      String run = UUID.randomUUID().toString().substring(0, 8);
      String base = "http://127.0.0.1:" + node.port() + "/accounts/lat-" + run + "-";
      // Warm-up: every account exists and has recovered; code paths are compiled.
      deposits(http, base, z.w5WarmUpRequests());
      RawJdbc jdbc = new RawJdbc(b);
      RawJdbc.Payload payload;
      try (Connection c = connector.connect()) {
        payload = jdbc.storedPayload(c, Accounts.behavior().persistenceId("lat-" + run + "-0"));
        jdbc.insertEachCommitted(c, "raw-w5|" + run, 1, z.w5WarmUpRequests(), payload);
      }
      AccountGateway gateway = AccountGateway.cluster(node.system(), Accounts.behavior());
      asks(gateway, run, z.w5WarmUpRequests());
      notFound(http, node.port(), z.w5WarmUpRequests(), false);
      notFound(http, node.port(), z.w5WarmUpRequests(), true);
      // Then until the JIT has (nearly) nothing left to compile on these paths: on 2 cores its
      // compiler threads otherwise compete with the measured requests (deposit p50 2.4, 1.8,
      // 1.1 ms in successive rounds of 1,000 after 500 warm-ups, 1.0 ms once quiet). On the
      // first backend of a run C2 compiles the HTTP client's and server's paths for ~45 s
      // (rounds of 4.2, 3.2, 2.9 ... 0.16 s of compilation: 26 rounds), so the wait is bounded
      // by time, not by a number of rounds (it was 10 rounds until 2026-11-27: W5 on the first
      // backend was measured while C2 still took 0.6-1.4 s of every round).
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      int cycles = 0;
      long compiling;
      long waitStart = System.nanoTime();
      long limit = z.w5JitWaitLimit().toNanos();
      do {
        long before = jit.getTotalCompilationTime();
        deposits(http, base, JIT_CYCLE);
        asks(gateway, run, JIT_CYCLE);
        notFound(http, node.port(), JIT_CYCLE, false);
        notFound(http, node.port(), JIT_CYCLE, true);
        compiling = jit.getTotalCompilationTime() - before;
        cycles++;
      } while (compiling >= JIT_QUIET_MS && System.nanoTime() - waitStart < limit);
      long waited = (System.nanoTime() - waitStart) / 1_000_000_000L;
      warmUp = cycles + " more rounds (" + waited + " s) of " + JIT_CYCLE + " deposits, asks and"
          + " 404s until a round spent under " + JIT_QUIET_MS + " ms in the JIT or "
          + z.w5JitWaitLimit().toSeconds() + " s had passed (last round: " + compiling + " ms)";
      if (compiling >= JIT_QUIET_MS) {
        Bench.progress("W5 on " + b.name() + ": the JIT still spent " + compiling
            + " ms of the last warm-up round compiling; measuring anyway");
        warmUp += "; the JIT was not yet quiet, so the measured requests shared the cores with it";
      }
      long[] rawSeq = {z.w5WarmUpRequests() + 1L};
      double[] p99s = new double[2];
      for (int r = 1; r <= z.reps(); r++) {
        Arrays.fill(p99s, Double.NaN);
        bench.rep(b, connector, r, z.reps(), List.of("W5 bank deposit", "W5 raw commit",
                "W5 HTTP 404", "W5 HTTP POST 404", "W5 sharded ask"),
            List.of(revP50, rawP50, httpP50, postP50, askP50),
            List.of(
                () -> {
                  long[] t = deposits(http, base, n);
                  p99s[0] = percentile(t, 99);
                  return percentile(t, 50);
                },
                () -> {
                  try (Connection c = connector.connect()) {
                    long[] t = jdbc.insertEachCommitted(c, "raw-w5|" + run, rawSeq[0], n, payload);
                    rawSeq[0] += n;
                    p99s[1] = percentile(t, 99);
                    return percentile(t, 50);
                  }
                },
                () -> percentile(notFound(http, node.port(), n, false), 50),
                () -> percentile(notFound(http, node.port(), n, true), 50),
                () -> percentile(asks(gateway, run, n), 50)));
        revP99.values.add(p99s[0]);
        rawP99.values.add(p99s[1]);
        int last = revP50.values.size() - 1;
        budget.values.add(revP50.values.get(last) / (1.5 * rawP50.values.get(last) + 1.0));
      }
    }
    results.notes.add(b.name() + " W5: a bank node in the benchmark's JVM (HTTP on 127.0.0.1,"
        + " akka-http), one client thread (java.net.http, HTTP/1.1 keep-alive) sending POST"
        + " /accounts/{id}/deposit to " + ACCOUNTS + " accounts in turn, the next after the"
        + " answer, after " + Bench.fmtCount(z.w5WarmUpRequests()) + " warm-up requests and "
        + warmUp + " (the raw commit: " + Bench.fmtCount(z.w5WarmUpRequests())
        + " warm-up commits). The raw commit inserts a row of the same size (the bank's"
        + " stored envelope) with its own connection, outside any pool");
  }

  /** Sends {@code n} deposits one after another; returns each round trip in nanoseconds. */
  private static long[] deposits(HttpClient http, String base, int n) throws Exception {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + (i % ACCOUNTS) + "/deposit"))
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(BodyPublishers.ofString("{\"amount\": 1}"))
          .build();
      long start = System.nanoTime();
      HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
      nanos[i] = System.nanoTime() - start;
      if (response.statusCode() != 200) {
        throw new IllegalStateException("deposit " + i + " answered " + response.statusCode()
            + ": " + response.body());
      }
    }
    return nanos;
  }

  /**
   * Sends {@code n} requests to a path the bank does not serve, GETs or POSTs of the deposit's
   * body (what the client and akka-http cost for a request like a deposit's, without the
   * entity); each round trip in nanoseconds.
   */
  private static long[] notFound(HttpClient http, int port, int n, boolean post)
      throws Exception {
    long[] nanos = new long[n];
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nowhere"))
            .timeout(REQUEST_TIMEOUT);
    HttpRequest request = post
        ? builder.header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString("{\"amount\": 1}")).build()
        : builder.GET().build();
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
      nanos[i] = System.nanoTime() - start;
      if (response.statusCode() != 404) {
        throw new IllegalStateException(request.method() + " /nowhere answered "
            + response.statusCode());
      }
    }
    return nanos;
  }

  /** Deposits {@code n} times through sharding in this JVM, one at a time; each in nanoseconds. */
  private static long[] asks(AccountGateway gateway, String run, int n) throws Exception {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      AccountReply reply = gateway.ask("lat-" + run + "-" + (i % ACCOUNTS),
              replyTo -> new AccountMsg.Deposit(1, replyTo), REQUEST_TIMEOUT)
          .toCompletableFuture()
          .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      nanos[i] = System.nanoTime() - start;
      if (!(reply instanceof AccountReply.Balance)) {
        throw new IllegalStateException("a deposit by ask answered " + reply);
      }
    }
    return nanos;
  }

  /** The {@code p}th percentile (nearest rank) of nanosecond values, in milliseconds. */
  static double percentile(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }
}
