package dev.revenant.journal.internal;

import akka.actor.ActorSystem;
import akka.persistence.jdbc.db.LazySlickDatabase;
import akka.persistence.jdbc.db.SlickDatabase;
import akka.persistence.jdbc.db.SlickDatabaseProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands akka-persistence-jdbc's journal, snapshot store and read journal one shared connection
 * pool built from {@code revenant.journal.*}, after making sure the schema exists. Configured as
 * {@code akka-persistence-jdbc.database-provider-fqcn}; the plugin creates it once per actor
 * system, when the first entity starts.
 */
public final class RevenantDatabaseProvider implements SlickDatabaseProvider {
  private static final Logger LOG = LoggerFactory.getLogger(RevenantDatabaseProvider.class);

  private final SlickDatabase database;

  public RevenantDatabaseProvider(ActorSystem system) {
    JournalSettings settings = JournalSettings.from(system.settings().config());
    LOG.info("Revenant journal: backend [{}] at [{}]", settings.backend(), safeUrl(settings));
    if (settings.createSchema()) {
      JournalSchema.ensure(settings);
    }
    this.database = new LazySlickDatabase(slickConfig(settings), system);
  }

  @Override
  public SlickDatabase database(Config pluginConfig) {
    return database;
  }

  private static Config slickConfig(JournalSettings s) {
    Map<String, Object> db = new HashMap<>();
    db.put("connectionPool", "HikariCP");
    db.put("url", s.jdbcUrl());
    db.put("driver", s.driver());
    db.put("user", s.user());
    db.put("password", s.password());
    db.put("numThreads", s.maxConnections());
    db.put("maxConnections", s.maxConnections());
    db.put("minConnections", 1);
    db.put("queueSize", 10000);
    db.put("connectionTimeout", s.connectionTimeout().toMillis());
    db.put("validationTimeout", Math.max(250, s.connectionTimeout().toMillis() / 2));
    db.put("keepAliveConnection", "on");
    Map<String, Object> root = new HashMap<>();
    root.put("profile", s.slickProfile());
    root.put("db", db);
    return ConfigFactory.parseMap(root);
  }

  /** The URL without anything after '?' or credentials: safe to log. */
  static String safeUrl(JournalSettings s) {
    String url = s.jdbcUrl();
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
