package dev.revenant.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.revenant.testing.BankClient;
import dev.revenant.testing.BankCluster;
import dev.revenant.testing.BankCluster.Member;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bank node killed with SIGKILL and started again on the same ports with {@code --rejoin} (as a
 * supervisor would) rejoins the cluster: the other nodes see it Up, its former accounts keep
 * their acknowledged balances, and new accounts are placed on it again. Both for a node that is
 * no seed and for member 0, the first seed node (also the oldest member, so the shard
 * coordinator's node): started again within seconds, that one used to form a cluster of its own
 * now and then, because the others let its new incarnation in only some seconds after they have
 * removed the old one, while the first seed waits 5 s before joining itself.
 */
@Tag("slow")
class ClusterRejoinTest extends AbstractClusterTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  @ParameterizedTest(name = "member {0}")
  @ValueSource(ints = {2, 0})
  void killedNodeRestartsRejoinsAndHostsAccountsAgain(int victimIndex) throws Exception {
    try (BankCluster cluster = startCluster()) {
      Member victim = cluster.member(victimIndex);
      List<Member> others = cluster.survivors(victim);

      // Accounts with one acknowledged deposit each, until a few live on the victim.
      Map<String, Long> acknowledged = new LinkedHashMap<>();
      Map<String, String> placed = new TreeMap<>();
      long onVictim = 0;
      long deadline = System.nanoTime() + BOUND.toNanos();
      for (int i = 0; (i < 30 || onVictim < 3) && System.nanoTime() < deadline; i++) {
        String account = "old-" + i;
        JsonNode r = deposit(cluster, cluster.member(i % 3), account, 10 + i);
        acknowledged.put(account, 10L + i);
        placed.put(account, r.get("node").asText());
        if (r.get("node").asText().equals(victim.address())) {
          onVictim++;
        }
      }
      log("%d accounts, %d of them on the victim %s", acknowledged.size(), onVictim,
          victim);
      assertThat(onVictim).as("accounts on the victim").isGreaterThanOrEqualTo(3);

      long killed = System.nanoTime();
      assertThat(cluster.kill9(victim.index())).as("exit status of kill -9").isEqualTo(137);
      // Started again at once on the same ports: a new incarnation of the same address.
      cluster.restart(victim.index());
      log("%s restarted and Up in its own view %d ms after kill -9", victim,
          ms(killed));

      for (Member m : others) {
        awaitStatus(cluster, m, victim.address(), "up");
      }
      JsonNode own = cluster.clusterView(victim);
      assertThat(own.get("members").findValuesAsText("status"))
          .as("the restarted node's view: %s", own).containsExactly("up", "up", "up");
      assertThat(own.get("unreachable")).as("unreachable in %s", own).isEmpty();
      log("all nodes see %s up again %d ms after kill -9", victim, ms(killed));

      // No deposit was in flight at the kill: every balance is exactly what was acknowledged.
      long allUp = System.nanoTime();
      for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
        long asked = System.nanoTime();
        JsonNode r = get(cluster, cluster.member(0), e.getKey());
        assertThat(r.get("balance").asLong())
            .as("balance of %s (on %s before the kill)", e.getKey(), placed.get(e.getKey()))
            .isEqualTo(e.getValue());
        if (ms(asked) > 1000) {
          log("GET %s (on %s before the kill) took %d ms", e.getKey(), placed.get(e.getKey()),
              ms(asked));
        }
      }
      log("every old account answered with its acknowledged balance %d ms after all saw %s up",
          ms(allUp), victim);

      // The restarted node hosts accounts again: new ones are placed on it (bounded).
      String landed = null;
      int tried = 0;
      deadline = System.nanoTime() + BOUND.toNanos();
      while (landed == null && tried < 200 && System.nanoTime() < deadline) {
        String account = "new-" + tried;
        JsonNode r = deposit(cluster, others.get(tried % others.size()), account, 7);
        tried++;
        if (r.get("node").asText().equals(victim.address())) {
          landed = account;
        }
      }
      log("new account %s placed on the restarted node after %d new accounts",
          landed, tried);
      assertThat(landed).as("a new account placed on the restarted %s within %d tries\n%s",
          victim, tried, cluster.logs()).isNotNull();
      // It works through the restarted node's own HTTP interface, too.
      assertThat(deposit(cluster, victim, landed, 5).get("balance").asLong()).isEqualTo(12);
      assertThat(get(cluster, others.get(0), landed).get("node").asText())
          .isEqualTo(victim.address());
    }
  }

  /** Waits, bounded, until {@code via}'s /cluster shows {@code address} with {@code status}. */
  private static void awaitStatus(BankCluster cluster, Member via, String address, String status)
      throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    String seen = "";
    while (System.nanoTime() < deadline) {
      try {
        JsonNode view = cluster.clusterView(via);
        seen = view.toString();
        boolean unreachable = false;
        for (JsonNode u : view.get("unreachable")) {
          unreachable |= u.asText().equals(address);
        }
        for (JsonNode m : view.get("members")) {
          if (m.get("address").asText().equals(address)
              && m.get("status").asText().equals(status) && !unreachable) {
            return;
          }
        }
      } catch (IOException e) {
        seen = e.toString();
      }
      Thread.sleep(200);
    }
    throw new AssertionError(via + " did not show " + address + " " + status + " within "
        + BOUND.toSeconds() + " s; last /cluster: " + seen + "\n" + cluster.logs());
  }

  /**
   * A deposit as a careful client makes it: with an Idempotency-Key, repeated (bounded) while the
   * bank answers 503. Cluster sharding drops a message that reaches a shard being handed off,
   * and the restarted node's joining makes the coordinator move shards to it, so a deposit may
   * get a 503 without having been applied; the repeat with the same key applies it at most once.
   */
  private static JsonNode deposit(BankCluster cluster, Member via, String account, long amount)
      throws Exception {
    String key = account + "-" + amount + "-" + UUID.randomUUID();
    String path = "/accounts/" + account + "/deposit";
    String body = "{\"amount\":" + amount + "}";
    long deadline = System.nanoTime() + BOUND.toNanos();
    int attempts = 0;
    HttpResponse<String> r;
    do {
      if (attempts++ > 0) {
        log("deposit into %s via %s answered 503; repeating it with its key", account, via);
      }
      r = cluster.client(via).exchange("POST", path, body, REQUEST_TIMEOUT, "Idempotency-Key",
          key);
    } while (r.statusCode() == 503 && System.nanoTime() < deadline);
    HttpResponse<String> last = r;
    int tries = attempts;
    assertThat(r.statusCode()).as(() -> String.format("deposit into %s via %s after %d attempts:"
        + " %s\n%s", account, via, tries, last.body(), cluster.logs(80))).isEqualTo(200);
    return BankClient.JSON.readTree(r.body());
  }

  private static JsonNode get(BankCluster cluster, Member via, String account) throws Exception {
    HttpResponse<String> r = cluster.get(via, "/accounts/" + account, REQUEST_TIMEOUT);
    assertThat(r.statusCode()).as(() -> String.format("GET %s via %s: %s\n%s", account, via,
        r.body(), cluster.logs(80))).isEqualTo(200);
    return BankClient.JSON.readTree(r.body());
  }
}
