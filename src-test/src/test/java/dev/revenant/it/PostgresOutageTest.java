package dev.revenant.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.revenant.journal.Backends;
import dev.revenant.samples.bank.BankNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops in the middle of traffic: requests fail fast with 503 "journal unavailable",
 * nothing acknowledged is lost, nothing is applied twice, and the accounts work again by
 * themselves once the database is back. Stops and starts the machine's PostgreSQL cluster, so
 * it needs root and pg_ctlcluster; it always starts the database again.
 */
@Tag("slow")
class PostgresOutageTest {
  private static final int ACCOUNTS = 8;
  private static final Duration REQUEST_BOUND = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Per account: amounts acknowledged, and amounts whose outcome is unknown (503, error). */
  private final Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> unknown = new ConcurrentHashMap<>();
  private final LongAdder journalUnavailable = new LongAdder();
  private final AtomicLong slowestMillis = new AtomicLong();

  @Test
  void anOutageFailsFastLosesNothingAndHealsByItself() throws Exception {
    Backends.requireAvailable("postgres");
    String version = postgresVersion();
    BankNode node = BankNode.start(new BankNode.Options("127.0.0.1", 0, dir.toString(),
        "postgres", null, null, null, List.of(), "safe"));
    String prefix = "outage-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      ids.add(prefix + i);
      acknowledged.put(prefix + i, new AtomicLong());
      unknown.put(prefix + i, new AtomicLong());
    }
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      for (int t = 0; t < 4; t++) {
        clients.submit(() -> {
          while (running.get()) {
            String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
            deposit(node.port(), id, 1 + ThreadLocalRandom.current().nextInt(9));
          }
          return null;
        });
      }
      awaitAcknowledged(20, Duration.ofSeconds(30));
      pgctl(version, "stop");
      long stoppedAt = System.nanoTime();
      // Within a bound, requests answer 503 "journal unavailable" rather than hang.
      awaitTrue(() -> journalUnavailable.sum() >= 3, Duration.ofSeconds(40),
          "no 503 journal unavailable while PostgreSQL is down");
      System.out.printf("first 503s within %d ms of the stop%n",
          Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis());
      long ackedDuringOutage = totalAcknowledged();
      Thread.sleep(3000); // the outage goes on: still nothing acknowledged
      assertThat(totalAcknowledged()).isEqualTo(ackedDuringOutage);
      pgctl(version, "start");
      awaitAcknowledged(ackedDuringOutage + 20, Duration.ofSeconds(60));
    } finally {
      running.set(false);
      clients.shutdown();
      clients.awaitTermination(30, TimeUnit.SECONDS);
      pgctl(version, "start");
    }
    assertThat(Duration.ofMillis(slowestMillis.get())).isLessThanOrEqualTo(REQUEST_BOUND);
    for (String id : ids) {
      long balance = balanceOnceRecovered(node.port(), id, Duration.ofSeconds(60));
      long acked = acknowledged.get(id).get();
      long maybe = unknown.get(id).get();
      assertThat(balance)
          .as("account %s: acknowledged %d, unknown outcome %d", id, acked, maybe)
          .isBetween(acked, acked + maybe);
    }
    node.close();
  }

  private void deposit(int port, String id, long amount) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/accounts/" + id
                  + "/deposit"))
              .timeout(REQUEST_BOUND.plusSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":" + amount + "}"))
              .header("Content-Type", "application/json")
              .build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        acknowledged.get(id).addAndGet(amount);
      } else {
        unknown.get(id).addAndGet(amount);
        if (r.statusCode() == 503 && r.body().contains("journal unavailable")) {
          journalUnavailable.increment();
        }
      }
    } catch (IOException | InterruptedException e) {
      unknown.get(id).addAndGet(amount);
    } finally {
      slowestMillis.accumulateAndGet(
          Duration.ofNanos(System.nanoTime() - start).toMillis(), Math::max);
    }
  }

  /** The balance, once the account answers again (it recovers by itself), within a bound. */
  private long balanceOnceRecovered(int port, String id, Duration bound) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/accounts/" + id))
              .timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return Long.parseLong(r.body().replaceAll(".*\"balance\":(\\d+).*", "$1"));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("account " + id + " did not answer within " + bound.toSeconds()
            + " s after the database came back: " + r.body());
      }
      Thread.sleep(200);
    }
  }

  private long totalAcknowledged() {
    return acknowledged.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private void awaitAcknowledged(long total, Duration bound) throws InterruptedException {
    awaitTrue(() -> totalAcknowledged() >= total, bound,
        "acknowledged deposits did not reach " + total);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration bound,
      String failure) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure + " within " + bound.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  private static String postgresVersion() throws IOException {
    Path etc = Path.of("/etc/postgresql");
    if (!Files.isDirectory(etc)) {
      throw new IllegalStateException("no /etc/postgresql: cannot stop and start PostgreSQL");
    }
    try (var versions = Files.list(etc)) {
      return versions.map(p -> p.getFileName().toString()).sorted().findFirst()
          .orElseThrow(() -> new IllegalStateException("no cluster under /etc/postgresql"));
    }
  }

  private static void pgctl(String version, String action) throws Exception {
    Process p = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
        action).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("pg_ctlcluster " + action + " did not finish in 60 s");
    }
    // "start" on a running cluster exits 2 ("already running"): that is fine.
    if (p.exitValue() != 0 && !(action.equals("start") && out.contains("already running"))) {
      throw new IllegalStateException("pg_ctlcluster " + action + " failed: " + out);
    }
  }
}
