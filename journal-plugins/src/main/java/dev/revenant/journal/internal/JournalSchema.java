package dev.revenant.journal.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the journal and snapshot tables from the DDL Revenant ships for each backend (under
 * {@code dev/revenant/journal/schema/}, derived from akka-persistence-jdbc's and idempotent),
 * then checks that the tables exist, so an error is never hidden.
 *
 * <p>It also brings a schema made by an earlier Revenant up to date: those had the plugin's
 * cascading foreign key from {@code event_tag} to {@code event_journal}, whose per-row trigger
 * made each checkpoint's deletion several times slower; the journal now deletes tag rows itself,
 * so the key is dropped (no row is touched). On H2 they reserved numbers for {@code ordering} 32
 * at a time, each reservation a commit that writes the store to disk; they now reserve
 * {@link #H2_ORDERING_CACHE} at a time. On MariaDB and MySQL their persistence ids and tags had
 * the server's default collation, under which ids that differ only in case, accents or trailing
 * spaces are one key; those columns are converted to an exact collation (which rebuilds the
 * tables once, and merges nothing: an exact collation only tells more keys apart).
 */
public final class JournalSchema {
  private static final Logger LOG = LoggerFactory.getLogger(JournalSchema.class);
  /** Numbers H2 reserves for {@code ordering} at a time (as in the shipped DDL). */
  static final long H2_ORDERING_CACHE = 10_000;
  static final List<String> REQUIRED_TABLES = List.of("event_journal", "event_tag", "snapshot");
  /** Columns that must compare exactly: table, column. */
  static final List<List<String>> EXACT_COLUMNS = List.of(
      List.of("event_journal", "persistence_id"),
      List.of("snapshot", "persistence_id"),
      List.of("event_tag", "tag"));
  /** MariaDB's exact collation of utf8mb4, as in the shipped DDL. */
  static final String MARIADB_EXACT = "utf8mb4_nopad_bin";
  /** MySQL 8's (it has no {@value #MARIADB_EXACT}). */
  static final String MYSQL_EXACT = "utf8mb4_0900_bin";

  private JournalSchema() {}

  /** The DDL for a JDBC backend. */
  public static String ddl(String backend) {
    String dialect = backend.equals("h2-server") ? "h2-file" : backend;
    String resource = "dev/revenant/journal/schema/" + dialect + ".sql";
    try (InputStream in = JournalSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no DDL for backend [" + backend + "]; backends with a schema: [h2-file,"
                + " h2-server, postgres, mariadb]");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read [" + resource + "]", e);
    }
  }

  /** Creates the tables of the backend if they are missing, and checks them. */
  public static void apply(JournalSettings settings) {
    ensure(settings);
  }

  static void ensure(JournalSettings settings) {
    if (settings.backend().equals("in-memory")) {
      return;
    }
    if (settings.backend().equals("h2-file")) {
      createH2DataDir(settings.jdbcUrl());
    }
    try (Connection c =
        DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
      if (!missingTables(c).isEmpty()) {
        createTables(c, settings.backend());
        List<String> missing = missingTables(c);
        if (!missing.isEmpty()) {
          throw new IllegalStateException(
              "journal schema incomplete after creation on backend [" + settings.backend()
                  + "]: missing tables " + missing);
        }
        LOG.info("Created the journal schema on backend [{}]", settings.backend());
      }
      dropTagForeignKeys(c, settings.backend());
      if (settings.backend().equals("mariadb")) {
        makeKeysExact(c);
      }
      if (settings.backend().startsWith("h2-")) {
        raiseH2OrderingCache(c);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create the journal schema on backend [" + settings.backend() + "] at ["
              + settings.safeUrl() + "]: " + e.getMessage(),
          e);
    }
  }

  /**
   * Runs the DDL. Several nodes starting at once may race on it, and "IF NOT EXISTS" is not
   * atomic everywhere (H2 reported an index "already exists" to the loser): the DDL is
   * idempotent, so a failed attempt is simply repeated, at most three times.
   */
  private static void createTables(Connection c, String backend) throws SQLException {
    String ddl = ddl(backend);
    if (backend.equals("mariadb") && !isMariaDb(c)) {
      ddl = ddl.replace(MARIADB_EXACT, MYSQL_EXACT);
    }
    for (int attempt = 1; ; attempt++) {
      try (Statement st = c.createStatement()) {
        for (String sql : statements(ddl)) {
          st.execute(sql);
        }
        return;
      } catch (SQLException e) {
        if (attempt == 3) {
          throw e;
        }
        LOG.info("Creating the journal schema raced with another node ({}); trying again",
            e.getMessage());
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  static List<String> missingTables(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    List<String> missing = new ArrayList<>();
    for (String table : REQUIRED_TABLES) {
      try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), table, new String[] {"TABLE"})) {
        if (!rs.next()) {
          missing.add(table);
        }
      }
    }
    return missing;
  }

  /** The names of the foreign keys from {@code event_tag} to {@code event_journal}. */
  static List<String> tagForeignKeys(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs =
        c.getMetaData().getImportedKeys(c.getCatalog(), c.getSchema(), "event_tag")) {
      while (rs.next()) {
        if ("event_journal".equalsIgnoreCase(rs.getString("PKTABLE_NAME"))) {
          names.add(rs.getString("FK_NAME"));
        }
      }
    }
    return names;
  }

  /**
   * Drops the foreign keys from {@code event_tag} to {@code event_journal} that schemas of
   * earlier Revenant versions have. "IF EXISTS": another node may drop it at the same time.
   */
  private static void dropTagForeignKeys(Connection c, String backend) throws SQLException {
    for (String name : tagForeignKeys(c)) {
      String sql = backend.equals("mariadb")
          ? "ALTER TABLE event_tag DROP FOREIGN KEY IF EXISTS `" + name + "`"
          : "ALTER TABLE \"event_tag\" DROP CONSTRAINT IF EXISTS \"" + name + "\"";
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
      LOG.info("Dropped the foreign key [{}] from event_tag to event_journal on backend [{}]"
          + " (schema of an earlier Revenant): the journal deletes tag rows itself, and the"
          + " key's cascade made each checkpoint's deletion several times slower", name, backend);
    }
  }

  private static boolean isMariaDb(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
      return rs.next() && rs.getString(1).contains("MariaDB");
    }
  }

  /** A column of {@link #EXACT_COLUMNS} with its collation. */
  record Column(String table, String column, String collation) {
    @Override
    public String toString() {
      return table + "." + column + " (" + collation + ")";
    }
  }

  /**
   * The columns of {@link #EXACT_COLUMNS} whose collation takes strings
   * that differ in case, accents or trailing spaces for equal, found by asking the server to
   * compare such strings under it (so any collation a user's own schema has is judged by what
   * it does, not by its name). A binary string type has no collation and compares bytes.
   */
  static List<Column> inexactColumns(Connection c) throws SQLException {
    List<Column> inexact = new ArrayList<>();
    for (List<String> tc : EXACT_COLUMNS) {
      String charset;
      String collation;
      try (PreparedStatement ps = c.prepareStatement("SELECT CHARACTER_SET_NAME, COLLATION_NAME"
          + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
          + " AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
        ps.setString(1, tc.get(0));
        ps.setString(2, tc.get(1));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("table " + tc.get(0) + " has no column " + tc.get(1));
          }
          charset = rs.getString(1);
          collation = rs.getString(2);
        }
      }
      if (collation == null) {
        continue;
      }
      if (!charset.matches("\\w+") || !collation.matches("\\w+")) {
        throw new SQLException("unexpected character set [" + charset + "] or collation ["
            + collation + "] of " + tc.get(0) + "." + tc.get(1));
      }
      String probe = "SELECT " + equal(charset, collation, "a", "A") + " OR "
          + equal(charset, collation, "a", "a ") + " OR " + equal(charset, collation, "e", "é");
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(probe)) {
        rs.next();
        if (rs.getBoolean(1)) {
          inexact.add(new Column(tc.get(0), tc.get(1), collation));
        }
      }
    }
    return inexact;
  }

  private static String equal(String charset, String collation, String a, String b) {
    return "CONVERT(_utf8mb4'" + a + "' USING " + charset + ") COLLATE " + collation
        + " = CONVERT(_utf8mb4'" + b + "' USING " + charset + ") COLLATE " + collation;
  }

  /** The statement that makes {@code column} compare exactly, on MariaDB or else MySQL. */
  static String exactKeyStatement(Column column, boolean mariaDb) {
    return "ALTER TABLE " + column.table() + " MODIFY " + column.column()
        + " VARCHAR(255) CHARACTER SET utf8mb4 COLLATE "
        + (mariaDb ? MARIADB_EXACT : MYSQL_EXACT) + " NOT NULL";
  }

  /**
   * Converts the persistence id and tag columns of a schema made by an earlier Revenant (the
   * server's default collation, usually case- and accent-insensitive and padding) to the exact
   * collation. Each conversion rebuilds its table once; a second start finds nothing to do.
   */
  private static void makeKeysExact(Connection c) throws SQLException {
    List<Column> inexact = inexactColumns(c);
    if (inexact.isEmpty()) {
      return;
    }
    LOG.warn("The journal's columns {} take persistence ids or tags that differ only in case,"
        + " accents or trailing spaces for the same (schema of an earlier Revenant): such"
        + " entities would share one log. Converting them to an exact collation; this rebuilds"
        + " the tables once", inexact);
    boolean mariaDb = isMariaDb(c);
    try (Statement st = c.createStatement()) {
      for (Column column : inexact) {
        st.execute(exactKeyStatement(column, mariaDb));
      }
    }
    List<Column> still = inexactColumns(c);
    if (!still.isEmpty()) {
      throw new SQLException("the columns " + still + " still compare inexactly after"
          + " conversion");
    }
    LOG.info("The journal's persistence ids and tags now compare exactly");
  }

  /** The numbers H2 reserves for {@code ordering} at a time, as its catalogue says. */
  static long h2OrderingCache(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = 'event_journal'"
            + " AND COLUMN_NAME = 'ordering'")) {
      if (!rs.next()) {
        throw new SQLException("event_journal has no identity column \"ordering\"");
      }
      return rs.getLong(1);
    }
  }

  /**
   * Schemas of earlier Revenant versions reserved 32 numbers at a time; H2 records each
   * reservation with a commit of its own (see the DDL). Changing the cache touches no row.
   */
  private static void raiseH2OrderingCache(Connection c) throws SQLException {
    long cache = h2OrderingCache(c);
    if (cache >= H2_ORDERING_CACHE) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.execute("ALTER TABLE \"event_journal\" ALTER COLUMN \"ordering\" SET CACHE "
          + H2_ORDERING_CACHE);
    }
    LOG.info("Made H2 reserve [{}] instead of [{}] journal orderings at a time (schema of an"
        + " earlier Revenant): each reservation is a commit of its own", H2_ORDERING_CACHE, cache);
  }

  /** The statements of a DDL script, without its comments. */
  public static List<String> statements(String ddl) {
    StringBuilder withoutComments = new StringBuilder();
    for (String line : ddl.split("\n")) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String part : withoutComments.toString().split(";")) {
      String sql = part.strip();
      if (!sql.isEmpty()) {
        out.add(sql);
      }
    }
    return out;
  }

  private static void createH2DataDir(String url) {
    String path = url.substring("jdbc:h2:file:".length(), url.indexOf(';'));
    if (path.startsWith("~/")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    try {
      Files.createDirectories(Path.of(path).getParent());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create the data directory [" + Path.of(path).getParent()
              + "] (revenant.journal.h2-file.data-dir): " + e.getMessage(),
          e);
    }
  }
}
