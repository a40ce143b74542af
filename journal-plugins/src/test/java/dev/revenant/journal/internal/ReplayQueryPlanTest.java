package dev.revenant.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import akka.persistence.jdbc.config.JournalConfig;
import com.typesafe.config.ConfigFactory;
import dev.revenant.journal.Backends;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The journal's replay page and highest-sequence-number queries read only the rows they return
 * on MariaDB, counted by the server's handler counters (no timing): ordered by the whole
 * (persistence_id, sequence_number) key, they read and sorted every remaining row of the entity
 * for each page when the connection's collation is not the column's, which made a replay of
 * 100,000 messages 6 times slower once the column compared exactly.
 */
class ReplayQueryPlanTest {
  private static final String DB = "revenant_plan_test";
  private static final int ROWS = 2_000;

  @Test
  void replayPagesAndTheHighestNumberReadOnlyTheirRowsOnMariaDb() throws Exception {
    Backends.requireAvailable("mariadb");
    try (Connection c = Backends.connect("mariadb"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB);
      st.execute("CREATE DATABASE " + DB + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
    }
    String url = "jdbc:mariadb://127.0.0.1:3306/" + DB;
    JournalSchema.ensure(new JournalSettings("mariadb", url, "root", "", true));
    JournalConfig config = new JournalConfig(ConfigFactory.load()
        .getConfig("revenant.journal.plugins.mariadb.journal"));
    var columns = config.eventJournalTableConfiguration().columnNames();
    java.util.function.UnaryOperator<String> q = id -> "`" + id + "`";
    String page = RevenantJournalDao.pageSql(q, "`event_journal`", columns, true);
    String highest = RevenantJournalDao.highestUpToSql(q, "`event_journal`", columns, true);
    try (Connection c = DriverManager.getConnection(url, "root", "")) {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO event_journal"
          + " (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest,"
          + " event_payload, event_ser_id, event_ser_manifest) VALUES (?, ?, 'w', 0, '', x'01',"
          + " 1, 'm')")) {
        for (String pid : new String[] {"p|a", "p|b", "p|c"}) {
          for (int seq = 1; seq <= ROWS; seq++) {
            insert.setString(1, pid);
            insert.setLong(2, seq);
            insert.addBatch();
          }
        }
        insert.executeBatch();
      }
      // As the driver's own session does, and as it was pinned when the plan was wrong.
      for (String names : new String[] {null, "SET NAMES utf8mb4 COLLATE utf8mb4_general_ci",
          "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"}) {
        if (names != null) {
          try (Statement st = c.createStatement()) {
            st.execute(names);
          }
        }
        String session = String.valueOf(names);
        Map<String, Long> read = counted(c, page, ps -> {
          ps.setString(1, "p|b");
          ps.setLong(2, 101);
          ps.setLong(3, Long.MAX_VALUE);
          ps.setLong(4, 100);
        }, 100);
        assertThat(read.get("Sort_rows")).as(session + ": rows sorted for a page").isZero();
        assertThat(read.get("Handler_read_next")).as(session + ": rows read for a page of 100")
            .isLessThanOrEqualTo(101);
        read = counted(c, highest, ps -> {
          ps.setString(1, "p|b");
          ps.setLong(2, Long.MAX_VALUE);
        }, 1);
        assertThat(read.get("Sort_rows")).as(session + ": rows sorted for the highest").isZero();
        assertThat(read.get("Handler_read_next") + read.get("Handler_read_prev"))
            .as(session + ": rows read for the highest").isLessThanOrEqualTo(2);
      }
    }
  }

  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Runs the query and returns the session's handler and sort counters it moved. */
  private static Map<String, Long> counted(Connection c, String sql, Binder binder,
      int expectedRows) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("FLUSH STATUS");
    }
    int rows = 0;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
        }
      }
    }
    assertThat(rows).as("rows of " + sql).isEqualTo(expectedRows);
    Map<String, Long> out = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW SESSION STATUS WHERE Variable_name IN"
            + " ('Handler_read_next', 'Handler_read_prev', 'Sort_rows')")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }
}
