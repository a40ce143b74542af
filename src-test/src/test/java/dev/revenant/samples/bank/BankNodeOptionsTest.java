package dev.revenant.samples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bank node's command line in cluster mode: the seed order it hands to Akka, with and without
 * {@code --rejoin}, and the errors for a command line that cannot work.
 */
class BankNodeOptionsTest {
  private static final String SEEDS = "127.0.0.1:2551,127.0.0.1:2552";

  @Test
  void seedsKeepTheirOrderWithoutRejoin() throws Exception {
    BankNode.Options o = BankNode.parse(new String[] {
        "--cluster-port", "2551", "--seeds", SEEDS});
    assertThat(o.rejoin()).isFalse();
    assertThat(o.configOverrides().get("akka.cluster.seed-nodes"))
        .isEqualTo(List.of("akka://bank@127.0.0.1:2551", "akka://bank@127.0.0.1:2552"));
  }

  @Test
  void rejoinPutsTheNodeItselfBehindTheOtherSeeds() throws Exception {
    BankNode.Options first = BankNode.parse(new String[] {
        "--cluster-port", "2551", "--seeds", SEEDS, "--rejoin"});
    assertThat(first.rejoin()).isTrue();
    // Akka lets only the first seed node join itself; now no node of this command line can.
    assertThat(first.configOverrides().get("akka.cluster.seed-nodes"))
        .isEqualTo(List.of("akka://bank@127.0.0.1:2552", "akka://bank@127.0.0.1:2551"));
    // A node that is not first, or no seed at all, keeps the order it was given.
    BankNode.Options second = BankNode.parse(new String[] {
        "--cluster-port", "2552", "--seeds", SEEDS, "--rejoin"});
    assertThat(second.configOverrides().get("akka.cluster.seed-nodes"))
        .isEqualTo(List.of("akka://bank@127.0.0.1:2551", "akka://bank@127.0.0.1:2552"));
    BankNode.Options other = BankNode.parse(new String[] {
        "--cluster-port", "2553", "--seeds", SEEDS, "--rejoin"});
    assertThat(other.configOverrides().get("akka.cluster.seed-nodes"))
        .isEqualTo(List.of("akka://bank@127.0.0.1:2551", "akka://bank@127.0.0.1:2552"));
  }

  @Test
  void rejoinThatCannotWorkIsRefusedWithTheReason() {
    assertThatThrownBy(() -> BankNode.parse(new String[] {"--rejoin"}))
        .isInstanceOf(BankNode.UsageException.class)
        .hasMessage("--rejoin needs --cluster-port and --seeds");
    assertThatThrownBy(() -> BankNode.parse(new String[] {"--cluster-port", "2551", "--rejoin"}))
        .isInstanceOf(BankNode.UsageException.class)
        .hasMessage("--rejoin needs --seeds naming a node of the running cluster");
    assertThatThrownBy(() -> BankNode.parse(new String[] {
        "--cluster-port", "2551", "--seeds", "127.0.0.1:2551", "--rejoin"}))
        .isInstanceOf(BankNode.UsageException.class)
        .hasMessage("--rejoin needs --seeds naming another node than this one (127.0.0.1:2551)");
    assertThatThrownBy(() -> BankNode.parse(new String[] {
        "--cluster-port", "2551", "--seeds", SEEDS, "--rejoin=yes"}))
        .isInstanceOf(BankNode.UsageException.class)
        .hasMessage("--rejoin takes no value, was [--rejoin=yes]");
  }
}
