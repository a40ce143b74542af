package dev.revenant.it;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.eventstream.EventStream;
import dev.revenant.RevenantConfig;
import dev.revenant.RecoveryReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/** One actor system on the embedded H2 journal in a given data directory. */
final class H2Node implements AutoCloseable {
  final ActorTestKit kit;
  final TestProbe<RecoveryReport> recoveries;
  private final Path dataDir;

  H2Node(Path dataDir) {
    this.dataDir = dataDir;
    this.kit =
        ActorTestKit.create(
            "h2node",
            RevenantConfig.load(Map.of("revenant.journal.h2-file.data-dir", dataDir.toString())));
    this.recoveries = kit.createTestProbe();
    kit.system().eventStream().tell(new EventStream.Subscribe<>(RecoveryReport.class, recoveries.ref()));
  }

  RecoveryReport awaitRecovery(String entityId) {
    return recoveries.fishForMessage(Duration.ofSeconds(30), r ->
        r.entityId().equals(entityId)
            ? FishingOutcomes.complete()
            : FishingOutcomes.continueAndIgnore()).get(0);
  }

  /** Rows in the journal table for a persistence id, read with plain JDBC. */
  long journalRows(String persistenceId) throws SQLException {
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("revenant");
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        PreparedStatement st =
            c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
      st.setString(1, persistenceId);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
