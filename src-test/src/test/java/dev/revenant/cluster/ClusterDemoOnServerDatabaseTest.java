package dev.revenant.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.revenant.journal.Backends;
import dev.revenant.testing.JvmNodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code samples/bin/cluster-demo --journal postgres|mariadb}: three bank nodes (JVMs on
 * 127.0.0.1) on a scratch schema or database of the server, kill -9 of one under deposit
 * traffic; the demo's own check finds every acknowledged deposit, its accounts answer again from
 * the survivors, and the scratch journal is gone afterwards. The demo stops every JVM it started
 * by PID, also when it is terminated.
 */
@Tag("slow")
class ClusterDemoOnServerDatabaseTest {
  private static final long BOUND_MINUTES = 4;
  private static final Pattern SCRATCH = Pattern.compile(
      "Using a new, empty journal on \\w+: \\S+?[/=](revenant_demo_[0-9a-z_]+)");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void aKilledNodesAccountsAnswerAgainWithNothingAcknowledgedLost(String backend)
      throws Exception {
    Backends.requireAvailable(backend);
    Path demo = JvmNodes.samplesTarget().getParent().resolve("bin/cluster-demo");
    Path timings = dir.resolve("timings");
    Path output = dir.resolve("demo.out");
    Process p = new ProcessBuilder(demo.toString(), "--journal", backend, "--accounts", "9",
        "--timings", timings.toString())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    if (!p.waitFor(BOUND_MINUTES, TimeUnit.MINUTES)) {
      p.destroy(); // TERM: the demo kills its JVMs by PID and drops its scratch journal
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    String out = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(p.isAlive()).as("demo still running after %d min:\n%s", BOUND_MINUTES, out)
        .isFalse();
    assertThat(p.exitValue()).as("demo's exit status; its output:\n%s", out).isZero();

    Map<String, String> t = new HashMap<>();
    for (String line : Files.readAllLines(timings, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      t.put(line.substring(0, eq), line.substring(eq + 1));
    }
    assertThat(t).containsEntry("journal", backend).containsEntry("lost", "0");
    assertThat(Long.parseLong(t.get("acknowledged"))).isPositive();
    assertThat(Long.parseLong(t.get("victim_accounts"))).isPositive();
    assertThat(Long.parseLong(t.get("answering_ms"))).isPositive();
    assertThat(out).contains("OK: no acknowledged deposit was lost.");

    Matcher m = SCRATCH.matcher(out);
    assertThat(m.find()).as("the demo names its scratch journal:\n%s", out).isTrue();
    assertThat(scratchJournals(backend)).doesNotContain(m.group(1));
  }

  /** The scratch schemas (PostgreSQL) or databases (MariaDB) on the server now. */
  private static List<String> scratchJournals(String backend) throws Exception {
    String sql = backend.equals("postgres")
        ? "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'revenant_demo_%'"
        : "SELECT schema_name FROM information_schema.schemata"
            + " WHERE schema_name LIKE 'revenant_demo_%'";
    try (Connection c = Backends.connect(backend);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }
}
