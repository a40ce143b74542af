package dev.revenant.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSchemaTest {
  @TempDir Path dir;

  private JournalSettings settings(Path dataDir) {
    ConfigFactory.invalidateCaches();
    return JournalSettings.from(
        ConfigFactory.load(
            ConfigFactory.parseMap(
                Map.of("revenant.journal.h2-file.data-dir", dataDir.toString()))));
  }

  @Test
  void creatingTheSchemaTwiceKeepsWhatIsThere() throws Exception {
    JournalSettings s = settings(dir.resolve("nested/data"));
    JournalSchema.ensure(s);
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
        Statement st = c.createStatement()) {
      assertThat(JournalSchema.missingTables(c)).isEmpty();
      st.execute(
          "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\","
              + " \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\","
              + " \"event_ser_manifest\") VALUES ('p|1', 1, 'w', 0, '', X'01', 1, 'm')");
    }
    JournalSchema.ensure(s);
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
    }
  }

  @Test
  void aDataDirThatCannotBeCreatedIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    JournalSettings s = settings(file.resolve("data"));
    assertThatThrownBy(() -> JournalSchema.ensure(s))
        .hasMessageContaining("revenant.journal.h2-file.data-dir")
        .hasMessageContaining(file.toString());
  }

  @Test
  void theShippedDdlSplitsIntoStatements() {
    assertThat(JournalSchema.statements(JournalSchema.ddl("h2-file")))
        .anySatisfy(sql -> assertThat(sql).contains("\"event_journal\""))
        .anySatisfy(sql -> assertThat(sql).contains("\"snapshot\""))
        .allSatisfy(sql -> assertThat(sql).doesNotEndWith(";"));
  }
}
