package dev.revenant.cluster;

import dev.revenant.testing.BankCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up the cluster tests share: a bank cluster of three nodes on the {@code fast-failover}
 * profile (measured fail-over 8–13 s, which keeps the tests short), whose files stay in the
 * temporary directory {@link #work} if the test fails.
 */
abstract class AbstractClusterTest {
  private static final int NODES = 3;
  private static final String PROFILE = "fast-failover";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  /** Starts the cluster in {@link #work} and returns when every node is ready. */
  BankCluster startCluster() throws Exception {
    long t0 = System.nanoTime();
    BankCluster cluster = BankCluster.start(work, NODES, PROFILE);
    log("cluster of %d nodes (%s) with journal server on port %d ready in %d ms; files in %s",
        NODES, PROFILE, cluster.journalPort(), ms(t0), work);
    return cluster;
  }

  static void log(String format, Object... args) {
    System.out.printf("[cluster-test] " + format + "%n", args);
    System.out.flush();
  }

  static long ms(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1_000_000;
  }
}
