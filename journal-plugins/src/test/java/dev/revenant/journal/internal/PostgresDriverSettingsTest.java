package dev.revenant.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.revenant.journal.Backends;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcBackend$;

/**
 * The PostgreSQL journal pool, built from Revenant's configuration the way akka-persistence-jdbc
 * builds it (Slick's {@code Database.forConfig}), hands the driver its properties: batches of
 * journal inserts are sent as multi-row INSERTs, unless the URL says otherwise.
 */
class PostgresDriverSettingsTest {
  private static final String DB = "akka-persistence-jdbc.shared-databases.revenant-postgres.db";

  @Test
  void journalConnectionsRewriteBatchedInserts() throws Exception {
    Backends.requireAvailable("postgres");
    assertThat(rewrites(ConfigFactory.load().getConfig(DB))).isTrue();
  }

  @Test
  void aParameterInTheUrlWins() throws Exception {
    Backends.requireAvailable("postgres");
    Config db = ConfigFactory.parseString(
            "url = \"jdbc:postgresql://127.0.0.1:5432/test?reWriteBatchedInserts=false\"")
        .withFallback(ConfigFactory.load().getConfig(DB));
    assertThat(rewrites(db)).isFalse();
  }

  private static boolean rewrites(Config db) throws Exception {
    JdbcBackend.DatabaseDef database = JdbcBackend$.MODULE$.Database()
        .forConfig("", db, null, PostgresDriverSettingsTest.class.getClassLoader());
    try (Connection c = database.source().createConnection()) {
      return c.unwrap(BaseConnection.class).getQueryExecutor().isReWriteBatchedInsertsEnabled();
    } finally {
      database.close();
    }
  }
}
