package dev.revenant.chaos;

import static dev.revenant.testing.BankClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.revenant.testing.BankClient;
import dev.revenant.testing.BankCluster;
import dev.revenant.testing.BankCluster.Member;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank under chaos, in the spirit of Jepsen's bank test. Three bank nodes in JVMs of their
 * own (cluster mode, shared {@code h2-server} journal, {@code fast-failover}) hold 50 accounts
 * with known initial deposits. Client threads make random transfers between them (one in ten
 * for more money than the whole bank holds, so it must be rejected) and keyed deposits and
 * withdrawals (each retried with its Idempotency-Key until it has an answer), while a nemesis
 * kills a random node with SIGKILL every few seconds and starts it again, for about a minute.
 * Then, once every transfer is final (bounded), it checks:
 *
 * <ul>
 *   <li>no money was created or destroyed: the sum of the balances is the sum of the initial and
 *       acknowledged deposits minus the acknowledged withdrawals;
 *   <li>every accepted transfer (202/200) is completed or rejected, none stays pending or lost;
 *       a transfer whose POST failed or timed out is looked up by id: absent, or final and
 *       counted;
 *   <li>each balance is its deposits minus its withdrawals plus its completed incoming minus its
 *       completed outgoing transfers.
 * </ul>
 *
 * <p>Seeded: {@code -Dchaos.seed=N} repeats a run's choices (not its timing); the seed is
 * printed at the start and in every failure. {@code -Dchaos.seconds=S} changes the chaos time.
 * The node logs stay in the temporary directory named in a failure.
 */
@Tag("slow")
class BankChaosTest {
  private static final int NODES = 3;
  private static final int ACCOUNTS = 50;
  private static final int TRANSFER_CLIENTS = 4;
  private static final Duration CHAOS =
      Duration.ofSeconds(Long.parseLong(System.getProperty("chaos.seconds", "60")));
  /** Longer than the node's 10 s ask timeout, so a slow entity mostly ends in a 503. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  /** More than all the money in the bank: such a transfer must be rejected. */
  private static final long IMPOSSIBLE = 1_000_000_000L;
  /** How long, after the chaos, every node may take to be ready and the cluster whole. */
  private static final Duration HEAL_BOUND = Duration.ofSeconds(150);
  /** How long, after that, every transfer may take to be final. */
  private static final Duration QUIESCE_BOUND = Duration.ofSeconds(180);
  /** How long one keyed deposit or withdrawal is retried. */
  private static final Duration KEYED_BOUND = Duration.ofSeconds(90);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  private final long seed = Long.parseLong(
      System.getProperty("chaos.seed", Long.toString(new Random().nextLong())));

  private BankCluster cluster;
  private volatile boolean running = true;

  /** A transfer as the client sent it. */
  record TransferOp(String id, String from, String to, long amount) {}

  /** A deposit (or withdrawal) with an idempotency key, as the client sent it. */
  record KeyedOp(String key, String account, boolean deposit, long amount) {
    String path() {
      return "/accounts/" + account + (deposit ? "/deposit" : "/withdraw");
    }
  }

  /** An HTTP answer; status -1 when there was none (the reason is in {@code failure}). */
  record Answer(int status, JsonNode body, String failure) {
    String describe() {
      return status < 0 ? failure : status + " " + body;
    }
  }

  /** Where a transfer stands after the chaos: "completed", "rejected", "pending" or "absent". */
  record Looked(String state, String reason) {
    boolean settled() {
      return state.equals("completed") || state.equals("rejected") || state.equals("absent");
    }
  }

  private final ConcurrentMap<String, TransferOp> accepted = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, TransferOp> unknown = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> unknownReasons = new ConcurrentHashMap<>();
  /** Keyed operations with their effect on the balance (+deposit, -withdrawal, 0 refused). */
  private final ConcurrentMap<KeyedOp, Long> keyedEffects = new ConcurrentHashMap<>();
  private final List<KeyedOp> keyedUnresolved = new CopyOnWriteArrayList<>();
  private final AtomicInteger keyedRetries = new AtomicInteger();
  /** Answers that contradict the interface (a 409 for a fresh transfer id, a 422, ...). */
  private final List<String> violations = new CopyOnWriteArrayList<>();

  @Test
  void balancesStayExactWhileNodesAreKilled() throws Exception {
    log("seed %d (repeat its choices with -Dchaos.seed=%d); chaos for %d s; files in %s", seed,
        seed, CHAOS.toSeconds(), work);
    try {
      run();
    } catch (Throwable t) {
      throw new AssertionError("bank chaos test failed with seed " + seed + " (rerun with"
          + " -Dchaos.seed=" + seed + "); node logs in " + work + "\n" + t.getMessage(), t);
    } finally {
      running = false;
      if (cluster != null) {
        cluster.close(); // kills every JVM it started, by PID
      }
    }
  }

  private void run() throws Exception {
    long t0 = System.nanoTime();
    cluster = BankCluster.start(work, NODES, "fast-failover");
    log("journal server and %d nodes ready in %d ms: %s", NODES, ms(t0), cluster.members());
    Random random = new Random(seed);

    // ------------------------------------------------------------ initial deposits
    List<String> accounts = new ArrayList<>();
    Map<String, Long> initial = new TreeMap<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      String account = String.format("acct-%02d", i);
      accounts.add(account);
      KeyedOp op = new KeyedOp("initial-" + account, account, true, 1000 + random.nextInt(1001));
      Long effect = resolve(op, new Random(seed + i), KEYED_BOUND, false);
      assertThat(effect).as("initial deposit %s answered", op).isNotNull();
      initial.put(account, effect);
    }
    long initialSum = initial.values().stream().mapToLong(Long::longValue).sum();
    log("%d accounts with initial deposits of %d in all", ACCOUNTS, initialSum);

    // ------------------------------------------------------------ traffic and nemesis
    List<Thread> clients = new ArrayList<>();
    for (int w = 0; w < TRANSFER_CLIENTS; w++) {
      Random r = new Random(seed * 31 + w);
      int worker = w;
      clients.add(new Thread(() -> transfers(worker, accounts, r), "transfers-" + w));
    }
    Random keyedRandom = new Random(seed * 31 + TRANSFER_CLIENTS);
    clients.add(new Thread(() -> keyed(accounts, keyedRandom), "keyed"));
    clients.forEach(c -> {
      c.setDaemon(true);
      c.start();
    });
    long chaosStart = System.nanoTime();
    List<String> kills = nemesis(random, chaosStart + CHAOS.toNanos());
    running = false;
    long joinDeadline = System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(10).toNanos();
    for (Thread c : clients) {
      c.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
    }
    assertThat(clients.stream().filter(Thread::isAlive).map(Thread::getName).toList())
        .as("client threads still running after the chaos").isEmpty();
    log("chaos over after %d ms: %d kills %s; transfers: %d accepted, %d unknown %s; keyed"
            + " operations: %d answered (%d retries), %d unanswered yet", ms(chaosStart),
        kills.size(), kills, accepted.size(), unknown.size(), new TreeMap<>(unknownReasons),
        keyedEffects.size(), keyedRetries.get(), keyedUnresolved.size());

    // ------------------------------------------------------------ heal and quiesce
    long healStart = System.nanoTime();
    for (int i = 0; i < NODES; i++) {
      cluster.awaitReady(i, HEAL_BOUND);
    }
    awaitWholeCluster(healStart + HEAL_BOUND.toNanos());
    log("every node ready and the cluster whole %d ms after the chaos", ms(healStart));

    for (KeyedOp op : keyedUnresolved) {
      Long effect = resolve(op, new Random(seed), KEYED_BOUND, false);
      assertThat(effect).as("keyed %s answered after the chaos", op).isNotNull();
      keyedEffects.put(op, effect);
    }

    Map<String, TransferOp> all = new HashMap<>(unknown);
    all.putAll(accepted);
    long quiesceStart = System.nanoTime();
    Map<String, Looked> states = quiesce(all, quiesceStart + QUIESCE_BOUND.toNanos());
    Map<String, Long> balances = balances(accounts);
    // A start that was still on its way (a POST that timed out) could arrive after its lookup
    // found nothing: look the absent ones up again after reading the balances.
    for (int round = 0; ; round++) {
      Map<String, TransferOp> absent = new HashMap<>();
      states.forEach((id, l) -> {
        if (l.state().equals("absent")) {
          absent.put(id, all.get(id));
        }
      });
      if (lookUp(absent).values().stream().allMatch(l -> l.state().equals("absent"))) {
        break;
      }
      assertThat(round).as("lookups and balances agree within 3 rounds").isLessThan(3);
      log("a transfer whose POST failed appeared after its lookup; quiescing again");
      states = quiesce(all, System.nanoTime() + QUIESCE_BOUND.toNanos());
      balances = balances(accounts);
    }
    log("quiesced %d ms after the cluster was whole", ms(quiesceStart));

    // ------------------------------------------------------------ checks
    assertThat(violations).as("answers that contradict the interface").isEmpty();

    Map<String, Long> expected = new TreeMap<>(initial);
    for (Map.Entry<KeyedOp, Long> e : keyedEffects.entrySet()) {
      expected.merge(e.getKey().account(), e.getValue(), Long::sum);
    }
    long deposited = expected.values().stream().mapToLong(Long::longValue).sum();

    int completed = 0;
    int rejected = 0;
    int unknownCompleted = 0;
    int unknownRejected = 0;
    int unknownAbsent = 0;
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, TransferOp> e : all.entrySet()) {
      TransferOp op = e.getValue();
      Looked l = states.get(op.id());
      boolean wasAccepted = accepted.containsKey(op.id());
      switch (l.state()) {
        case "completed" -> {
          if (op.amount() == IMPOSSIBLE) {
            problems.add(op + " completed, moving more money than the bank holds");
          }
          expected.merge(op.from(), -op.amount(), Long::sum);
          expected.merge(op.to(), op.amount(), Long::sum);
          if (wasAccepted) {
            completed++;
          } else {
            unknownCompleted++;
          }
        }
        case "rejected" -> {
          if (op.amount() == IMPOSSIBLE && !"insufficient funds".equals(l.reason())) {
            problems.add(op + " rejected for [" + l.reason() + "], not insufficient funds");
          }
          if (wasAccepted) {
            rejected++;
          } else {
            unknownRejected++;
          }
        }
        case "absent" -> {
          if (wasAccepted) {
            problems.add(op + " was accepted but is unknown now (lost)");
          }
          unknownAbsent++;
        }
        default -> problems.add(op + " is still " + l.state() + " after quiescing");
      }
    }
    log("transfers: %d accepted (%d completed, %d rejected); %d whose POST failed (%d completed,"
            + " %d rejected, %d never started); keyed operations: %d", accepted.size(), completed,
        rejected, unknown.size(), unknownCompleted, unknownRejected, unknownAbsent,
        keyedEffects.size());
    assertThat(problems).as("transfers that are not final, or wrongly so").isEmpty();

    long sum = balances.values().stream().mapToLong(Long::longValue).sum();
    log("sum of balances %d; initial deposits %d + keyed deposits - withdrawals = %d", sum,
        initialSum, deposited);
    assertThat(sum).as("sum of all balances (money created or destroyed: %d)", sum - deposited)
        .isEqualTo(deposited);
    Map<String, String> wrong = new TreeMap<>();
    for (String account : accounts) {
      if (!balances.get(account).equals(expected.get(account))) {
        wrong.put(account, "balance " + balances.get(account) + ", expected "
            + expected.get(account));
      }
    }
    assertThat(wrong).as("accounts whose balance is not deposits - withdrawals + completed"
        + " incoming - completed outgoing transfers").isEmpty();

    // What the nodes logged: no replay integrity error (REV-E01x: gaps, interleaved writers, a
    // replay that differs) and no transfer answer out of turn, in any incarnation of any node.
    Map<String, Integer> errors = new TreeMap<>();
    List<String> integrity = new ArrayList<>();
    try (var logs = java.nio.file.Files.newDirectoryStream(cluster.dir(), "node*.log")) {
      for (Path file : logs) {
        for (String line : java.nio.file.Files.readAllLines(file)) {
          if (line.contains(" ERROR ") || line.contains(" WARN ")) {
            String key = line.replaceFirst("^\\S+ ", "").replaceAll("\\[[^\\]]*\\]", "[]")
                .replaceAll("\\d+", "N");
            errors.merge(key.substring(0, Math.min(key.length(), 140)), 1, Integer::sum);
          }
          if (line.contains("[REV-E01") || line.contains("ignores unexpected")) {
            integrity.add(file.getFileName() + ": " + line);
          }
        }
      }
    }
    log("warnings and errors in the node logs, by kind:");
    errors.forEach((k, n) -> log("  %5d  %s", n, k));
    assertThat(integrity).as("integrity errors in the node logs").isEmpty();

    // Not vacuous: the nemesis struck, and transfers both completed and were rejected.
    assertThat(kills).as("kills").hasSizeGreaterThanOrEqualTo(2);
    assertThat(completed).as("completed accepted transfers").isPositive();
    assertThat(rejected).as("rejected accepted transfers").isPositive();
  }

  // ---------------------------------------------------------------- clients

  /** One transfer client: random transfers through random nodes, never retried. */
  private void transfers(int worker, List<String> accounts, Random r) {
    List<Member> members = cluster.members();
    for (int n = 0; running; n++) {
      int f = r.nextInt(accounts.size());
      int t = (f + 1 + r.nextInt(accounts.size() - 1)) % accounts.size();
      long amount = r.nextInt(10) == 0 ? IMPOSSIBLE : 1 + r.nextInt(300);
      TransferOp op = new TransferOp("t" + worker + "-" + n, accounts.get(f), accounts.get(t),
          amount);
      Member via = members.get(r.nextInt(members.size()));
      Answer a = send("POST", via, "/transfers", JSON.createObjectNode().put("id", op.id())
          .put("from", op.from()).put("to", op.to()).put("amount", op.amount()).toString());
      if (a.status() == 202 || a.status() == 200) {
        if (!a.body().path("id").asText().equals(op.id())
            || (a.status() == 202 && !a.body().path("state").asText().equals("pending"))) {
          violations.add("POST " + op + " via " + via + " answered " + a.describe());
        }
        accepted.put(op.id(), op);
      } else if (a.status() == 400 || a.status() == 404 || a.status() == 409
          || a.status() == 422) {
        violations.add("POST " + op + " via " + via + " answered " + a.describe());
      } else {
        unknown.put(op.id(), op);
        unknownReasons.computeIfAbsent(a.status() < 0 ? a.failure() : "HTTP " + a.status(),
            k -> new AtomicInteger()).incrementAndGet();
        if (a.status() < 0) {
          sleep(100); // a node that is down: back off a little, as a client would
        }
      }
    }
  }

  /** The keyed client: deposits and withdrawals, each retried with its key until answered. */
  private void keyed(List<String> accounts, Random r) {
    for (int n = 0; running; n++) {
      boolean deposit = r.nextInt(10) < 7;
      KeyedOp op = new KeyedOp("op-" + n, accounts.get(r.nextInt(accounts.size())), deposit,
          deposit ? 1 + r.nextInt(100) : 1 + r.nextInt(200));
      Long effect = resolve(op, r, KEYED_BOUND, true);
      if (effect == null) {
        keyedUnresolved.add(op);
      } else {
        keyedEffects.put(op, effect);
      }
    }
  }

  /**
   * Sends {@code op} with its key through random nodes until it is answered: its effect on the
   * balance (+amount for a deposit, -amount for a withdrawal, 0 for a refused withdrawal), or
   * null if it was not answered within {@code bound} (or the chaos ended, if
   * {@code untilStopped}).
   */
  private Long resolve(KeyedOp op, Random r, Duration bound, boolean untilStopped) {
    List<Member> members = cluster.members();
    long deadline = System.nanoTime() + bound.toNanos();
    String body = "{\"amount\":" + op.amount() + "}";
    for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
      if (untilStopped && !running) {
        return null;
      }
      if (attempt > 0) {
        keyedRetries.incrementAndGet();
        sleep(200);
      }
      Member via = members.get(r.nextInt(members.size()));
      Answer a = send("POST", via, op.path(), body, "Idempotency-Key", op.key());
      if (a.status() == 200) {
        if (!a.body().path("balance").isIntegralNumber()) {
          violations.add(op + " answered " + a.describe());
        }
        return op.deposit() ? op.amount() : -op.amount();
      }
      if (a.status() == 409 && !op.deposit()
          && a.body().path("error").asText().equals("insufficient funds")) {
        return 0L;
      }
      if (a.status() == 400 || a.status() == 404 || a.status() == 409 || a.status() == 422) {
        violations.add(op + " via " + via + " answered " + a.describe());
        return 0L;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- nemesis

  /**
   * Until {@code endNanos}: strikes every 2-5 s. When every node runs, a strike kills a random
   * node with SIGKILL and starts it again at once, on the same ports. At most one node is ever
   * down or starting, so that two of the three, a majority, always run: while one is starting, a
   * strike may kill that one again, at most once per restart (even odds: a kill during start-up,
   * cluster join or recovery), and is skipped otherwise. A restart takes 15-20 s on two cores,
   * which is what spaces the kills of running nodes.
   */
  private List<String> nemesis(Random r, long endNanos) throws Exception {
    List<String> kills = new ArrayList<>();
    long start = System.nanoTime();
    boolean killedWhileStarting = false;
    while (true) {
      long pause = 2000 + r.nextInt(3000);
      long left = (endNanos - System.nanoTime()) / 1_000_000;
      if (left <= pause) {
        Thread.sleep(Math.max(0, left));
        return kills;
      }
      Thread.sleep(pause);
      List<Integer> starting = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        if (!cluster.isReady(i)) {
          starting.add(i);
        }
      }
      int victim;
      if (starting.isEmpty()) {
        victim = r.nextInt(NODES);
        killedWhileStarting = false;
      } else if (!killedWhileStarting && r.nextBoolean()) {
        victim = starting.get(0);
        killedWhileStarting = true;
      } else {
        continue;
      }
      long pid = cluster.pid(victim);
      int status = cluster.kill9(victim);
      if (status != 137) {
        violations.add("node" + victim + " (pid " + pid + ") had exited with " + status
            + " before it was killed");
      }
      cluster.launch(victim);
      String what = "node" + victim + (starting.isEmpty() ? "" : " (while starting)") + " at "
          + ms(start) + " ms";
      kills.add(what);
      log("kill -9 of %s, pid %d; started again as pid %d", what, pid, cluster.pid(victim));
    }
  }

  /** Waits until every node's /cluster shows all nodes up and none unreachable. */
  private void awaitWholeCluster(long deadlineNanos) throws Exception {
    List<String> views = new ArrayList<>();
    while (System.nanoTime() < deadlineNanos) {
      boolean whole = true;
      views.clear();
      for (Member m : cluster.members()) {
        Answer a = send("GET", m, "/cluster", null);
        views.add(m + ": " + a.describe());
        whole &= a.status() == 200 && a.body().get("unreachable").isEmpty()
            && a.body().get("members").size() == NODES
            && a.body().get("members").findValuesAsText("status").stream()
                .allMatch("up"::equals);
      }
      if (whole) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the cluster was not whole again within " + HEAL_BOUND.toSeconds()
        + " s after the chaos; last /cluster of each node:\n" + String.join("\n", views) + "\n"
        + cluster.membershipLog() + cluster.logs(30));
  }

  // ---------------------------------------------------------------- after the chaos

  /** Looks every transfer up until none is pending (bounded); their final states. */
  private Map<String, Looked> quiesce(Map<String, TransferOp> all, long deadlineNanos)
      throws Exception {
    Map<String, Looked> states = new HashMap<>();
    Map<String, TransferOp> open = new HashMap<>(all);
    while (true) {
      Map<String, Looked> found = lookUp(open);
      states.putAll(found);
      found.forEach((id, l) -> {
        if (l.settled()) {
          open.remove(id);
        }
      });
      if (open.isEmpty()) {
        return states;
      }
      if (System.nanoTime() > deadlineNanos) {
        Map<String, Looked> stuck = new TreeMap<>();
        open.keySet().stream().limit(20).forEach(id -> stuck.put(id, states.get(id)));
        throw new AssertionError(open.size() + " transfers still not final "
            + QUIESCE_BOUND.toSeconds() + " s after the chaos, e.g. " + stuck + "\n"
            + cluster.logs(30));
      }
      Thread.sleep(1000);
    }
  }

  /** GET /transfers/{id} of each, in parallel; an unanswered lookup says "error". */
  private Map<String, Looked> lookUp(Map<String, TransferOp> transfers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Member> members = cluster.members();
      Map<String, Future<Looked>> futures = new HashMap<>();
      int turn = 0;
      for (String id : transfers.keySet()) {
        Member via = members.get(turn++ % members.size());
        Callable<Looked> lookup = () -> {
          Answer a = send("GET", via, "/transfers/" + id, null);
          if (a.status() == 200) {
            return new Looked(a.body().path("state").asText(),
                a.body().has("reason") ? a.body().get("reason").asText() : null);
          }
          return new Looked(a.status() == 404 ? "absent" : "error: " + a.describe(), null);
        };
        futures.put(id, pool.submit(lookup));
      }
      Map<String, Looked> out = new HashMap<>();
      for (Map.Entry<String, Future<Looked>> f : futures.entrySet()) {
        out.put(f.getKey(), f.getValue().get(REQUEST_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every account's balance (each read retried, bounded). */
  private Map<String, Long> balances(List<String> accounts) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    List<Member> members = cluster.members();
    for (int i = 0; i < accounts.size(); i++) {
      String account = accounts.get(i);
      Answer a = null;
      for (int attempt = 0; attempt < 10; attempt++) {
        a = send("GET", members.get((i + attempt) % members.size()), "/accounts/" + account,
            null);
        if (a.status() == 200) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(a.status()).as("GET /accounts/%s: %s", account, a.describe()).isEqualTo(200);
      out.put(account, a.body().get("balance").asLong());
    }
    return out;
  }

  // ---------------------------------------------------------------- HTTP

  /** A request that never fails the test: no answer, or one that is not JSON, is an Answer. */
  private Answer send(String method, Member via, String path, String body, String... headers) {
    try {
      HttpResponse<String> r =
          cluster.client(via).exchange(method, path, body, REQUEST_TIMEOUT, headers);
      JsonNode json = BankClient.parse(r.body());
      if (json == null) {
        violations.add(method + " " + path + " answered " + r.statusCode() + " with a body that"
            + " is not JSON: " + r.body());
        return new Answer(-1, null, "not JSON");
      }
      return new Answer(r.statusCode(), json, null);
    } catch (HttpTimeoutException e) {
      return new Answer(-1, null, "client timeout");
    } catch (IOException e) {
      return new Answer(-1, null, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, null, "interrupted");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long ms(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1_000_000;
  }

  private static void log(String format, Object... args) {
    System.out.printf("[chaos] " + format + "%n", args);
    System.out.flush();
  }
}
