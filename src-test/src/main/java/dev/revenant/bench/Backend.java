package dev.revenant.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A journal backend the benchmark can run on. Adding a backend is one more implementation here
 * and one more entry in {@link #named}: its config overrides for a fresh, empty journal, how to
 * empty it, and what to record about it.
 */
interface Backend {

  /** The value of {@code revenant.journal.backend}. */
  String name();

  /** Config overrides that select this backend on a fresh, empty journal under {@code freshDir}. */
  Map<String, Object> overrides(Path freshDir);

  /** Called once the actor system (and with it the schema) is up: empty the journal if needed. */
  void afterStart(Connection c) throws SQLException;

  /**
   * Called before each measured variant: bring the planner's statistics up to date, so a table
   * that just grew from empty is not planned as empty (PostgreSQL then scans it sequentially on
   * every recovery query, which no long-running installation with autovacuum would see).
   */
  default void refreshStatistics(Connection c) throws SQLException {}

  /** A quoted identifier (table or column name as the shipped DDL spells it). */
  default String q(String identifier) {
    return "\"" + identifier + "\"";
  }

  /** The ORDER BY of the journal's replay pages on this backend (see H2JournalDao). */
  default String replayOrder() {
    return q("sequence_number");
  }

  /** The JDBC URL of a database server; null for an embedded database. */
  default String serverUrl() {
    return null;
  }

  /** Settings worth recording for this backend. */
  default List<String> settings(Connection c) throws SQLException {
    return List.of();
  }

  static Backend named(String name, Map<String, String> options) {
    return switch (name) {
      case "h2-file" -> new H2File();
      case "postgres" -> new Postgres(
          options.getOrDefault("postgres-url", "jdbc:postgresql://127.0.0.1:5432/test"));
      case "mariadb" -> new MariaDb(
          options.getOrDefault("mariadb-url", "jdbc:mariadb://127.0.0.1:3306/test"));
      default -> throw new IllegalArgumentException(
          "unknown backend [" + name + "]; possible values: h2-file, postgres, mariadb");
    };
  }

  /** Embedded H2 in a fresh temporary data directory per run: nothing to empty. */
  final class H2File implements Backend {
    @Override
    public String name() {
      return "h2-file";
    }

    @Override
    public Map<String, Object> overrides(Path freshDir) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("revenant.journal.backend", "h2-file");
      m.put("revenant.journal.h2-file.data-dir", freshDir.toAbsolutePath().toString());
      return m;
    }

    @Override
    public void afterStart(Connection c) {}

    @Override
    public String replayOrder() {
      return q("persistence_id") + ", " + q("sequence_number");
    }

    @Override
    public List<String> settings(Connection c) throws SQLException {
      java.util.Set<String> out = new java.util.LinkedHashSet<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(
              "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE"
                  + " SETTING_NAME IN ('WRITE_DELAY', 'CACHE_SIZE', 'MV_STORE', 'DB_CLOSE_DELAY')")) {
        while (rs.next()) {
          out.add(rs.getString(1) + "=" + rs.getString(2));
        }
      }
      return List.copyOf(out);
    }
  }

  /**
   * A database server shared by every run: its journal tables are emptied before each run, and
   * its planner statistics refreshed before each measured variant.
   */
  abstract class Server implements Backend {
    private final String url;

    Server(String url) {
      this.url = url;
    }

    @Override
    public String serverUrl() {
      return url;
    }

    /** Statements that empty the journal tables. */
    abstract List<String> emptyTables();

    /** Statements that refresh the planner's statistics of the journal tables. */
    abstract List<String> analyze();

    /** Statements each answering one row whose first column is worth recording, by name. */
    abstract Map<String, String> settingQueries();

    @Override
    public Map<String, Object> overrides(Path freshDir) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("revenant.journal.backend", name());
      m.put("revenant.journal." + name() + ".url", url);
      return m;
    }

    @Override
    public void afterStart(Connection c) throws SQLException {
      List<String> all = new ArrayList<>(emptyTables());
      all.addAll(analyze());
      execute(c, all);
    }

    @Override
    public void refreshStatistics(Connection c) throws SQLException {
      execute(c, analyze());
    }

    private static void execute(Connection c, List<String> statements) throws SQLException {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        for (String sql : statements) {
          st.execute(sql);
        }
      } finally {
        c.setAutoCommit(auto);
      }
    }

    @Override
    public List<String> settings(Connection c) throws SQLException {
      List<String> out = new ArrayList<>();
      try (Statement st = c.createStatement()) {
        for (Map.Entry<String, String> e : settingQueries().entrySet()) {
          try (ResultSet rs = st.executeQuery(e.getValue())) {
            rs.next();
            out.add(e.getKey() + "=" + rs.getString(1));
          }
        }
      }
      return out;
    }
  }

  /** A PostgreSQL server. */
  final class Postgres extends Server {
    Postgres(String url) {
      super(url);
    }

    @Override
    public String name() {
      return "postgres";
    }

    @Override
    List<String> emptyTables() {
      return List.of("TRUNCATE event_tag, event_journal, snapshot RESTART IDENTITY");
    }

    @Override
    List<String> analyze() {
      return List.of("VACUUM ANALYZE event_journal", "VACUUM ANALYZE snapshot");
    }

    @Override
    Map<String, String> settingQueries() {
      Map<String, String> m = new LinkedHashMap<>();
      for (String s : List.of("synchronous_commit", "fsync", "wal_sync_method", "shared_buffers",
          "commit_delay")) {
        m.put(s, "SHOW " + s);
      }
      return m;
    }
  }

  /** A MariaDB (or MySQL) server; identifiers quoted with backticks. */
  final class MariaDb extends Server {
    MariaDb(String url) {
      super(url);
    }

    @Override
    public String name() {
      return "mariadb";
    }

    @Override
    public String q(String identifier) {
      return "`" + identifier + "`";
    }

    @Override
    List<String> emptyTables() {
      // In a schema of an earlier Revenant event_tag references event_journal (Revenant drops
      // that key when it starts), and InnoDB refuses TRUNCATE of a referenced table.
      return List.of("SET FOREIGN_KEY_CHECKS = 0", "TRUNCATE TABLE event_tag",
          "TRUNCATE TABLE event_journal", "TRUNCATE TABLE snapshot", "SET FOREIGN_KEY_CHECKS = 1");
    }

    @Override
    List<String> analyze() {
      return List.of("ANALYZE TABLE event_journal, snapshot");
    }

    @Override
    Map<String, String> settingQueries() {
      Map<String, String> m = new LinkedHashMap<>();
      for (String s : List.of("innodb_flush_log_at_trx_commit", "sync_binlog", "log_bin",
          "innodb_buffer_pool_size", "innodb_doublewrite")) {
        m.put(s, "SELECT @@" + s);
      }
      return m;
    }
  }
}
