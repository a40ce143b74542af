package dev.revenant.journal.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
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
 * {@link #H2_ORDERING_CACHE} at a time.
 */
public final class JournalSchema {
  private static final Logger LOG = LoggerFactory.getLogger(JournalSchema.class);
  /** Numbers H2 reserves for {@code ordering} at a time (as in the shipped DDL). */
  static final long H2_ORDERING_CACHE = 10_000;
  static final List<String> REQUIRED_TABLES = List.of("event_journal", "event_tag", "snapshot");

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
    for (int attempt = 1; ; attempt++) {
      try (Statement st = c.createStatement()) {
        for (String sql : statements(ddl(backend))) {
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

  static List<String> statements(String ddl) {
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
