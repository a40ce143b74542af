package dev.revenant.journal.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;

/**
 * The chosen backend and its connection, read from {@code revenant.journal.*} and the shared
 * database it points at; validated, with errors that name the key.
 *
 * @param backend the backend name
 * @param jdbcUrl the JDBC URL ("" for the in-memory backend)
 * @param user the database user
 * @param password the database password (never logged)
 * @param createSchema create missing tables on start
 */
public record JournalSettings(
    String backend, String jdbcUrl, String user, String password, boolean createSchema) {

  /** The backends, in the order the documentation lists them. */
  public static final List<String> BACKENDS = List.of("h2-file", "h2-server", "postgres", "mariadb", "in-memory");

  public static JournalSettings from(Config root) {
    Config c = root.getConfig("revenant.journal");
    String backend = c.getString("backend");
    if (!BACKENDS.contains(backend)) {
      throw new ConfigException.BadValue(
          "revenant.journal.backend",
          "unknown backend [" + backend + "]; possible values: " + BACKENDS);
    }
    int max = c.getInt("pool.max-connections");
    if (max < 1) {
      throw new ConfigException.BadValue(
          "revenant.journal.pool.max-connections", "must be at least 1, was [" + max + "]");
    }
    int writes = c.getInt("write-parallelism");
    if (writes < 1 || writes > 64) {
      throw new ConfigException.BadValue(
          "revenant.journal.write-parallelism", "must be between 1 and 64, was [" + writes + "]");
    }
    if (c.getDuration("pool.connection-timeout").toMillis() < 250) {
      throw new ConfigException.BadValue(
          "revenant.journal.pool.connection-timeout",
          "must be at least 250ms (Hikari's minimum), was ["
              + c.getDuration("pool.connection-timeout") + "]");
    }
    if (backend.equals("in-memory")) {
      return new JournalSettings(backend, "", "", "", false);
    }
    Config db = root.getConfig("akka-persistence-jdbc.shared-databases.revenant-" + backend + ".db");
    String url = db.getString("url");
    if (backend.equals("h2-file")) {
      checkH2DataDir(c.getString("h2-file.data-dir"), url);
    } else if (url.isBlank()) {
      throw new ConfigException.BadValue("revenant.journal." + backend + ".url", "must be set");
    }
    return new JournalSettings(
        backend, url, db.getString("user"), db.getString("password"), c.getBoolean("create-schema"));
  }

  private static void checkH2DataDir(String dataDir, String url) {
    if (!(dataDir.startsWith("/") || dataDir.startsWith("./") || dataDir.startsWith("../")
        || dataDir.equals(".") || dataDir.startsWith("~/"))) {
      throw new ConfigException.BadValue(
          "revenant.journal.h2-file.data-dir",
          "must be absolute or start with ./ or ../ (H2 refuses implicitly relative paths), was ["
              + dataDir + "]");
    }
    String expected = "jdbc:h2:file:" + dataDir + "/revenant;";
    if (!url.startsWith(expected)) {
      throw new ConfigException.BadValue(
          "revenant.journal.h2-file.data-dir",
          "is [" + dataDir + "] but the journal URL was resolved to [" + url + "]. The override"
              + " came after reference.conf had been resolved: build the configuration with"
              + " RevenantConfig.load(overrides) or ConfigFactory.load(overrides.withFallback("
              + "ConfigFactory.defaultApplication())), not overrides.withFallback("
              + "ConfigFactory.load())");
    }
  }

  /** The URL without parameters (which may carry credentials): safe to log. */
  public String safeUrl() {
    int cut = jdbcUrl.indexOf('?');
    return cut < 0 ? jdbcUrl : jdbcUrl.substring(0, cut);
  }
}
