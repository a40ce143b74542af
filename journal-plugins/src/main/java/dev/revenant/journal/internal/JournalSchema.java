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
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the journal and snapshot tables from the DDL that akka-persistence-jdbc ships for each
 * dialect, statement by statement. Only "already exists" errors are tolerated (the shipped DDL
 * has a CREATE INDEX without IF NOT EXISTS); afterwards the tables are checked, so a real error
 * is never hidden.
 */
public final class JournalSchema {
  private static final Logger LOG = LoggerFactory.getLogger(JournalSchema.class);
  static final List<String> REQUIRED_TABLES = List.of("event_journal", "event_tag", "snapshot");

  private JournalSchema() {}

  /** The DDL for a backend, as shipped in the plugin's jar. */
  public static String ddl(String backend) {
    String resource =
        switch (backend) {
          case "h2-file" -> "schema/h2/h2-create-schema.sql";
          default -> throw new IllegalArgumentException("no DDL for backend [" + backend + "]");
        };
    try (InputStream in = JournalSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "akka-persistence-jdbc's DDL [" + resource + "] is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read [" + resource + "]", e);
    }
  }

  static void ensure(JournalSettings settings) {
    if (settings.backend().equals("h2-file")) {
      createH2DataDir(settings.jdbcUrl());
    }
    try (Connection c =
        DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
      if (missingTables(c).isEmpty()) {
        return;
      }
      try (Statement st = c.createStatement()) {
        for (String sql : statements(ddl(settings.backend()))) {
          try {
            st.execute(sql);
          } catch (SQLException e) {
            if (!alreadyExists(e)) {
              throw e;
            }
          }
        }
      }
      List<String> missing = missingTables(c);
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "journal schema incomplete after creation on backend [" + settings.backend()
                + "]: missing tables " + missing);
      }
      LOG.info("Created the journal schema on backend [{}]", settings.backend());
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create the journal schema on backend [" + settings.backend() + "] at ["
              + settings.safeUrl() + "]: " + e.getMessage(),
          e);
    }
  }

  static List<String> missingTables(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    List<String> missing = new ArrayList<>();
    for (String table : REQUIRED_TABLES) {
      try (ResultSet rs = md.getTables(null, null, table, new String[] {"TABLE"})) {
        if (!rs.next()) {
          missing.add(table);
        }
      }
    }
    return missing;
  }

  static List<String> statements(String ddl) {
    List<String> out = new ArrayList<>();
    for (String part : ddl.split(";")) {
      String sql = part.strip();
      if (!sql.isEmpty()) {
        out.add(sql);
      }
    }
    return out;
  }

  private static boolean alreadyExists(SQLException e) {
    String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return msg.contains("already exists") || "42S11".equals(e.getSQLState())
        || "42P07".equals(e.getSQLState());
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
