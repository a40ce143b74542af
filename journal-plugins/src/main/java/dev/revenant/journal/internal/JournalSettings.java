package dev.revenant.journal.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code revenant.journal.*} configuration, validated; errors name the key.
 *
 * @param backend the backend name
 * @param jdbcUrl the JDBC URL derived from the backend's settings
 * @param driver the JDBC driver class
 * @param slickProfile the Slick profile class of the dialect
 * @param user the database user
 * @param password the database password (never logged)
 * @param createSchema create missing tables on start
 * @param maxConnections pool size
 * @param connectionTimeout how long to wait for a pooled connection
 */
public record JournalSettings(
    String backend,
    String jdbcUrl,
    String driver,
    String slickProfile,
    String user,
    String password,
    boolean createSchema,
    int maxConnections,
    Duration connectionTimeout) {

  public static JournalSettings from(Config root) {
    Config c = root.getConfig("revenant.journal");
    String backend = c.getString("backend");
    int max = c.getInt("pool.max-connections");
    if (max < 1) {
      throw new ConfigException.BadValue(
          "revenant.journal.pool.max-connections", "must be at least 1, was [" + max + "]");
    }
    Duration timeout = c.getDuration("pool.connection-timeout");
    if (timeout.toMillis() < 250) {
      throw new ConfigException.BadValue(
          "revenant.journal.pool.connection-timeout",
          "must be at least 250ms (Hikari's minimum), was [" + timeout + "]");
    }
    boolean create = c.getBoolean("create-schema");
    switch (backend) {
      case "h2-file":
        return new JournalSettings(
            backend, h2FileUrl(c.getString("h2-file.data-dir")), "org.h2.Driver",
            "slick.jdbc.H2Profile$", "sa", "", create, max, timeout);
      default:
        throw new ConfigException.BadValue(
            "revenant.journal.backend",
            "unknown backend [" + backend + "]; possible values: [h2-file]");
    }
  }

  /**
   * The embedded H2 database in {@code dataDir}. {@code WRITE_DELAY=0} makes every commit reach
   * the file before the commit returns, so an acknowledged write survives kill -9 of the process
   * (H2 still does not fsync: a power loss can lose the last commits). DB_CLOSE_ON_EXIT=FALSE
   * leaves closing to the pool, after Akka has stopped writing.
   */
  static String h2FileUrl(String dataDir) {
    if (dataDir.isBlank()) {
      throw new ConfigException.BadValue(
          "revenant.journal.h2-file.data-dir", "must not be empty");
    }
    Path dir = Path.of(dataDir).toAbsolutePath().normalize();
    return "jdbc:h2:file:" + dir.resolve("revenant") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
  }
}
