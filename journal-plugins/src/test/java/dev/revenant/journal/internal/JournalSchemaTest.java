package dev.revenant.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import dev.revenant.journal.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  @Test
  void h2ReservesOrderingsTenThousandAtATime() throws Exception {
    JournalSettings s = settings(dir.resolve("data"));
    JournalSchema.ensure(s);
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
      assertThat(JournalSchema.h2OrderingCache(c)).isEqualTo(JournalSchema.H2_ORDERING_CACHE);
    }
  }

  @Test
  void anEarlierH2SchemaReservesMoreOrderingsAndKeepsItsRowsAndNumbering() throws Exception {
    JournalSettings s = settings(dir.resolve("data"));
    String insert = "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\","
        + " \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
        + " \"event_ser_id\", \"event_ser_manifest\") VALUES ('p|1', ?, 'w', 0, '', X'01', 1,"
        + " 'm')";
    JournalSchema.ensure(s);
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
        Statement st = c.createStatement();
        PreparedStatement p = c.prepareStatement(insert)) {
      // As the DDL of earlier versions made it: H2's default of 32.
      st.execute("ALTER TABLE \"event_journal\" ALTER COLUMN \"ordering\" SET CACHE 32");
      assertThat(JournalSchema.h2OrderingCache(c)).isEqualTo(32);
      for (long seq = 1; seq <= 40; seq++) {
        p.setLong(1, seq);
        p.executeUpdate();
      }
    }
    JournalSchema.ensure(s);
    JournalSchema.ensure(s); // nothing left to change: a second start changes nothing
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
        Statement st = c.createStatement();
        PreparedStatement p = c.prepareStatement(insert)) {
      assertThat(JournalSchema.h2OrderingCache(c)).isEqualTo(JournalSchema.H2_ORDERING_CACHE);
      p.setLong(1, 41);
      p.executeUpdate();
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(\"ordering\") FROM"
          + " \"event_journal\" WHERE \"sequence_number\" <= 40")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(40);
        long before = rs.getLong(2);
        try (ResultSet last = st.executeQuery("SELECT \"ordering\" FROM \"event_journal\""
            + " WHERE \"sequence_number\" = 41")) {
          last.next();
          assertThat(last.getLong(1)).isGreaterThan(before);
        }
      }
    }
  }

  /**
   * A schema of its own on each backend: a temp H2 file, a PostgreSQL schema, a MariaDB
   * database, each dropped and created again.
   */
  private JournalSettings isolated(String backend) throws Exception {
    Backends.requireAvailable(backend);
    String name = "revenant_schema_test";
    switch (backend) {
      case "postgres" -> {
        try (Connection c = Backends.connect("postgres");
            Statement st = c.createStatement()) {
          st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
          st.execute("CREATE SCHEMA " + name);
        }
        return new JournalSettings(backend,
            "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + name, "postgres", "", true);
      }
      case "mariadb" -> {
        try (Connection c = Backends.connect("mariadb");
            Statement st = c.createStatement()) {
          st.execute("DROP DATABASE IF EXISTS " + name);
          st.execute("CREATE DATABASE " + name);
        }
        return new JournalSettings(
            backend, "jdbc:mariadb://127.0.0.1:3306/" + name, "root", "", true);
      }
      default -> {
        return settings(dir.resolve("data"));
      }
    }
  }

  /** The event_tag table as akka-persistence-jdbc's DDL (and Revenant's before) made it. */
  private static String tagTableWithForeignKey(String backend) {
    return switch (backend) {
      case "postgres" -> "CREATE TABLE event_tag(event_id BIGINT, tag VARCHAR(256),"
          + " PRIMARY KEY(event_id, tag), CONSTRAINT fk_event_journal FOREIGN KEY(event_id)"
          + " REFERENCES event_journal(ordering) ON DELETE CASCADE)";
      case "mariadb" -> "CREATE TABLE event_tag (event_id BIGINT UNSIGNED NOT NULL,"
          + " tag VARCHAR(255) NOT NULL, PRIMARY KEY(event_id, tag), FOREIGN KEY (event_id)"
          + " REFERENCES event_journal(ordering) ON DELETE CASCADE)";
      default -> "CREATE TABLE \"event_tag\" (\"event_id\" BIGINT NOT NULL, \"tag\" VARCHAR"
          + " NOT NULL, PRIMARY KEY(\"event_id\", \"tag\"), CONSTRAINT fk_event_journal"
          + " FOREIGN KEY(\"event_id\") REFERENCES \"event_journal\"(\"ordering\")"
          + " ON DELETE CASCADE)";
    };
  }

  private static String q(String backend, String identifier) {
    return backend.equals("mariadb") ? identifier : "\"" + identifier + "\"";
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2-file", "postgres", "mariadb"})
  void aNewSchemaHasNoForeignKeyFromTheTagTable(String backend) throws Exception {
    JournalSettings s = isolated(backend);
    JournalSchema.ensure(s);
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
      assertThat(JournalSchema.missingTables(c)).isEmpty();
      assertThat(JournalSchema.tagForeignKeys(c)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2-file", "postgres", "mariadb"})
  void anEarlierSchemaLosesTheTagForeignKeyAndKeepsEveryRow(String backend) throws Exception {
    JournalSettings s = isolated(backend);
    JournalSchema.ensure(s);
    String journal = q(backend, "event_journal");
    String tags = q(backend, "event_tag");
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE " + tags);
      st.execute(tagTableWithForeignKey(backend));
      assertThat(JournalSchema.tagForeignKeys(c)).hasSize(1);
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + journal + " ("
          + String.join(", ", List.of(q(backend, "persistence_id"),
              q(backend, "sequence_number"), q(backend, "writer"), q(backend, "write_timestamp"),
              q(backend, "adapter_manifest"), q(backend, "event_payload"),
              q(backend, "event_ser_id"), q(backend, "event_ser_manifest")))
          + ") VALUES ('p|1', 1, 'w', 0, '', ?, 1, 'm')")) {
        insert.setBytes(1, new byte[] {1});
        insert.executeUpdate();
      }
      st.execute("INSERT INTO " + tags + " SELECT " + q(backend, "ordering") + ", 't' FROM "
          + journal);
    }
    JournalSchema.ensure(s);
    JournalSchema.ensure(s); // nothing left to drop: a second start changes nothing
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
        Statement st = c.createStatement()) {
      assertThat(JournalSchema.tagForeignKeys(c)).isEmpty();
      for (String table : List.of(journal, tags)) {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          assertThat(rs.getLong(1)).as(table).isEqualTo(1);
        }
      }
    }
  }

  /** A new MariaDB schema compares persistence ids and tags exactly. */
  @Test
  void aNewMariaDbSchemaComparesIdsAndTagsExactly() throws Exception {
    JournalSettings s = isolated("mariadb");
    JournalSchema.ensure(s);
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
      assertThat(JournalSchema.inexactColumns(c)).isEmpty();
    }
  }

  /**
   * A MariaDB schema of an earlier Revenant (persistence ids and tags under the database's
   * case- and accent-insensitive default collation) is converted at start: its rows are kept,
   * ids that differ only in case can then be written side by side, and a second start finds
   * nothing to convert.
   */
  @Test
  void anEarlierMariaDbSchemaGetsExactIdsAndKeepsEveryRow() throws Exception {
    JournalSettings s = isolated("mariadb");
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
      String earlier = JournalSchema.ddl("mariadb")
          .replace(" CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin", "");
      for (String sql : JournalSchema.statements(earlier)) {
        st.execute(sql);
      }
      assertThat(JournalSchema.inexactColumns(c)).extracting(JournalSchema.Column::toString)
          .containsExactly("event_journal.persistence_id (utf8mb4_general_ci)",
              "snapshot.persistence_id (utf8mb4_general_ci)", "event_tag.tag (utf8mb4_general_ci)");
      st.execute("INSERT INTO event_journal (persistence_id, sequence_number, writer,"
          + " write_timestamp, adapter_manifest, event_payload, event_ser_id, event_ser_manifest)"
          + " VALUES ('p|alice', 1, 'w', 0, '', x'01', 1, 'm'), ('p|alice', 2, 'w', 0, '', x'02',"
          + " 1, 'm')");
      st.execute("INSERT INTO event_tag SELECT ordering, 't' FROM event_journal");
      st.execute("INSERT INTO snapshot (persistence_id, sequence_number, created,"
          + " snapshot_ser_id, snapshot_ser_manifest, snapshot_payload) VALUES ('p|alice', 2, 0,"
          + " 1, 'm', x'03')");
      assertThatThrownBy(() -> st.execute("INSERT INTO event_journal (persistence_id,"
          + " sequence_number, writer, write_timestamp, adapter_manifest, event_payload,"
          + " event_ser_id, event_ser_manifest) VALUES ('p|Alice', 1, 'w', 0, '', x'01', 1, 'm')"))
          .as("the earlier schema takes p|Alice for p|alice").hasMessageContaining("Duplicate");
    }
    JournalSchema.ensure(s);
    JournalSchema.ensure(s); // nothing left to convert: a second start changes nothing
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
        Statement st = c.createStatement()) {
      assertThat(JournalSchema.inexactColumns(c)).isEmpty();
      st.execute("INSERT INTO event_journal (persistence_id, sequence_number, writer,"
          + " write_timestamp, adapter_manifest, event_payload, event_ser_id, event_ser_manifest)"
          + " VALUES ('p|Alice', 1, 'w', 0, '', x'09', 1, 'm'), ('p|alice ', 1, 'w', 0, '',"
          + " x'09', 1, 'm')");
      try (ResultSet rs = st.executeQuery("SELECT sequence_number, HEX(event_payload) FROM"
          + " event_journal WHERE persistence_id = 'p|alice' ORDER BY sequence_number")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(2)).isEqualTo("01");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(2)).isEqualTo("02");
        assertThat(rs.next()).isFalse();
      }
      for (String table : List.of("event_tag", "snapshot")) {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          assertThat(rs.getLong(1)).as(table).isEqualTo(table.equals("event_tag") ? 2 : 1);
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM snapshot WHERE persistence_id"
          + " = 'p|ALICE'")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
  }
}
