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

  /** Settings worth recording for this backend. */
  default List<String> settings(Connection c) throws SQLException {
    return List.of();
  }

  static Backend named(String name, Map<String, String> options) {
    return switch (name) {
      case "h2-file" -> new H2File();
      case "postgres" -> new Postgres(
          options.getOrDefault("postgres-url", "jdbc:postgresql://127.0.0.1:5432/test"));
      default -> throw new IllegalArgumentException(
          "unknown backend [" + name + "]; possible values: h2-file, postgres");
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

  /** A PostgreSQL server: the journal tables are truncated before each run. */
  final class Postgres implements Backend {
    private final String url;

    Postgres(String url) {
      this.url = url;
    }

    @Override
    public String name() {
      return "postgres";
    }

    @Override
    public Map<String, Object> overrides(Path freshDir) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("revenant.journal.backend", "postgres");
      m.put("revenant.journal.postgres.url", url);
      return m;
    }

    @Override
    public void afterStart(Connection c) throws SQLException {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("TRUNCATE event_tag, event_journal, snapshot RESTART IDENTITY");
        st.execute("VACUUM ANALYZE event_journal");
        st.execute("VACUUM ANALYZE snapshot");
      }
      c.setAutoCommit(auto);
    }

    @Override
    public void refreshStatistics(Connection c) throws SQLException {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("ANALYZE event_journal");
        st.execute("ANALYZE snapshot");
      }
      c.setAutoCommit(auto);
    }

    @Override
    public List<String> settings(Connection c) throws SQLException {
      List<String> out = new ArrayList<>();
      try (Statement st = c.createStatement()) {
        for (String s : List.of("synchronous_commit", "fsync", "wal_sync_method",
            "shared_buffers", "commit_delay")) {
          try (ResultSet rs = st.executeQuery("SHOW " + s)) {
            rs.next();
            out.add(s + "=" + rs.getString(1));
          }
        }
      }
      return out;
    }
  }
}
