package dev.revenant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.revenant.testing.BankClient;
import dev.revenant.testing.BankCluster;
import dev.revenant.testing.BankCluster.Member;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous deposits into a set of accounts from several client threads, each owning a slice of
 * the accounts (so the deposits into one account are sequential) and sending to the cluster's
 * nodes in turn. A deposit counts as acknowledged only when it got 200; any other outcome (an
 * error status, a timeout, a refused or broken connection) counts as unknown — it may or may not
 * have taken effect — and is never retried.
 *
 * <p>Each 200 is also checked on the spot: the balance it reports must lie between the
 * account's acknowledged sum (this deposit included) and that plus its unknown sum.
 */
final class DepositTraffic {
  /** Longer than the node's 10 s ask timeout, so a slow account mostly ends in a 503. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  /** What the client knows about one account. Written by its worker thread only. */
  static final class Ledger {
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicInteger acks = new AtomicInteger();
    final AtomicLong unknownSum = new AtomicLong();
    final AtomicInteger unknowns = new AtomicInteger();
    /** Acknowledged deposits by the node that hosted the account ("node" in the answer). */
    final ConcurrentMap<String, AtomicInteger> acksOn = new ConcurrentHashMap<>();

    @Override
    public String toString() {
      return "acknowledged " + acknowledged + " in " + acks + " deposits, unknown " + unknownSum
          + " in " + unknowns;
    }
  }

  private final BankCluster cluster;
  private final List<String> accounts;
  private final Map<String, Ledger> ledger = new TreeMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final ConcurrentMap<String, AtomicInteger> unknownReasons = new ConcurrentHashMap<>();
  private final AtomicLong acksSinceMark = new AtomicLong();
  private volatile List<Member> targets;
  private volatile long markNanos = Long.MAX_VALUE;
  private volatile boolean running = true;

  DepositTraffic(BankCluster cluster, List<String> accounts, int threads, long seed) {
    this.cluster = cluster;
    this.accounts = List.copyOf(accounts);
    this.targets = cluster.members();
    for (String a : accounts) {
      ledger.put(a, new Ledger());
    }
    for (int w = 0; w < threads; w++) {
      List<String> slice = new ArrayList<>();
      for (int i = w; i < accounts.size(); i += threads) {
        slice.add(accounts.get(i));
      }
      Random random = new Random(seed + w);
      int first = w;
      Thread t = new Thread(() -> run(slice, random, first), "deposits-" + w);
      t.setDaemon(true);
      workers.add(t);
    }
  }

  void start() {
    workers.forEach(Thread::start);
  }

  private void run(List<String> slice, Random random, int turn) {
    while (running) {
      for (String account : slice) {
        if (!running) {
          return;
        }
        List<Member> t = targets;
        Member via = t.get(Math.floorMod(turn++, t.size()));
        long amount = 1 + random.nextInt(100);
        Ledger l = ledger.get(account);
        String unknown;
        boolean interrupted = false;
        try {
          HttpResponse<String> r = cluster.deposit(via, account, amount, REQUEST_TIMEOUT);
          if (r.statusCode() == 200) {
            long ack = l.acknowledged.addAndGet(amount);
            l.acks.incrementAndGet();
            if (System.nanoTime() > markNanos) {
              acksSinceMark.incrementAndGet();
            }
            check(account, l, ack, r.body());
            continue;
          }
          unknown = "HTTP " + r.statusCode();
        } catch (HttpTimeoutException e) {
          unknown = "client timeout";
        } catch (IOException | RuntimeException e) {
          unknown = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
          unknown = "interrupted"; // the request may have reached the node
          interrupted = true;
        }
        l.unknownSum.addAndGet(amount);
        l.unknowns.incrementAndGet();
        unknownReasons.computeIfAbsent(unknown, k -> new AtomicInteger()).incrementAndGet();
        if (interrupted) {
          return;
        }
      }
    }
  }

  private void check(String account, Ledger l, long ack, String body) {
    try {
      JsonNode json = BankClient.JSON.readTree(body);
      long balance = json.get("balance").asLong();
      l.acksOn.computeIfAbsent(json.path("node").asText(), k -> new AtomicInteger())
          .incrementAndGet();
      long most = ack + l.unknownSum.get();
      if (balance < ack || balance > most) {
        violations.add(account + ": deposit answered balance " + balance + " from "
            + json.path("node").asText() + ", expected " + ack + ".." + most);
      }
    } catch (IOException e) {
      violations.add(account + ": unreadable answer " + body);
    }
  }

  /** Sends no more requests to {@code m} (a client that learnt the node is gone). */
  void avoid(Member m) {
    targets = targets.stream().filter(x -> x != m).toList();
  }

  /** From now on, counts acknowledgements separately ({@link #acknowledgedSinceMark}). */
  void mark() {
    markNanos = System.nanoTime();
  }

  long acknowledgedSinceMark() {
    return acksSinceMark.get();
  }

  /** Waits, bounded, until every account has at least one acknowledged deposit. */
  boolean awaitEveryAccountAcknowledged(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ledger.values().stream().allMatch(l -> l.acks.get() > 0)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /**
   * Stops the traffic and waits for the requests in flight (at most the request timeout and a
   * margin); returns whether every worker finished.
   */
  boolean stop() throws InterruptedException {
    running = false;
    long deadline = System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(10).toNanos();
    for (Thread t : workers) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    boolean done = workers.stream().noneMatch(Thread::isAlive);
    if (!done) {
      workers.forEach(Thread::interrupt);
    }
    return done;
  }

  Map<String, Ledger> ledger() {
    return ledger;
  }

  List<String> accounts() {
    return accounts;
  }

  /** Balances reported by 200 answers that were outside the bounds (should stay empty). */
  List<String> violations() {
    return violations;
  }

  String summary() {
    long acks = ledger.values().stream().mapToLong(l -> l.acks.get()).sum();
    long unknowns = ledger.values().stream().mapToLong(l -> l.unknowns.get()).sum();
    long withUnknown = ledger.values().stream().filter(l -> l.unknowns.get() > 0).count();
    return acks + " deposits acknowledged, " + unknowns + " failed or unknown (in " + withUnknown
        + " accounts; " + new TreeMap<>(unknownReasons) + ")";
  }
}
