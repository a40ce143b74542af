package dev.revenant.journal.internal;

import akka.NotUsed;
import akka.persistence.PersistentRepr;
import akka.persistence.jdbc.AkkaSerialization$;
import akka.persistence.jdbc.config.EventJournalTableColumnNames;
import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import akka.stream.scaladsl.Source;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import scala.Option;
import scala.Tuple2;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * akka-persistence-jdbc's journal DAO with the two reads of a recovery rewritten for H2, which
 * does not use the primary key's order for them (measured with H2 2.2.224 to 2.5.252):
 *
 * <ul>
 *   <li>a replay page, {@code WHERE persistence_id = ? AND sequence_number BETWEEN ? AND ?
 *       ORDER BY sequence_number LIMIT n}: H2 reads and sorts every remaining row of the entity
 *       for each page, so a long log replays in quadratic time. Ordering by {@code
 *       (persistence_id, sequence_number)}, the key's own order (the same rows, as the entity is
 *       fixed), lets H2 read the page straight from the index and stop after n rows.
 *   <li>the highest sequence number, {@code SELECT MAX(sequence_number) WHERE persistence_id =
 *       ?}: H2 scans all the entity's rows (about 0.1 s at 100,000 rows), also when recovery
 *       starts from a snapshot near the end. Read forwards from the snapshot instead.
 * </ul>
 *
 * Both return exactly what the plugin's queries return (deleted rows count towards the highest
 * sequence number, as there). Writes are the plugin's own; deletes are {@link
 * RevenantJournalDao}'s. Selected by {@code dao} in the H2 journal plugins' configuration
 * (reference.conf).
 */
public final class H2JournalDao extends RevenantJournalDao {
  private final Serialization serialization;
  private final String pageSql;
  private final String highestFromSql;

  public H2JournalDao(
      JdbcBackend.DatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.serialization = serialization;
    EventJournalTableColumnNames c = columns;
    this.pageSql = "SELECT " + String.join(", ", q(c.ordering()), q(c.deleted()),
            q(c.persistenceId()), q(c.sequenceNumber()), q(c.writer()), q(c.writeTimestamp()),
            q(c.adapterManifest()), q(c.eventPayload()), q(c.eventSerId()),
            q(c.eventSerManifest()), q(c.metaPayload()), q(c.metaSerId()), q(c.metaSerManifest()))
        + " FROM " + table
        + " WHERE " + q(c.persistenceId()) + " = ? AND " + q(c.deleted()) + " = FALSE"
        + " AND " + q(c.sequenceNumber()) + " >= ? AND " + q(c.sequenceNumber()) + " <= ?"
        + " ORDER BY " + q(c.persistenceId()) + ", " + q(c.sequenceNumber())
        + " LIMIT ?";
    this.highestFromSql = "SELECT " + q(c.sequenceNumber()) + " FROM " + table
        + " WHERE " + q(c.persistenceId()) + " = ? AND " + q(c.sequenceNumber()) + " >= ?"
        + " ORDER BY " + q(c.persistenceId()) + ", " + q(c.sequenceNumber());
  }

  /** One page of a replay (messagesWithBatch asks for pages of replayBatchSize rows). */
  @Override
  public Source<Try<Tuple2<PersistentRepr, Object>>, NotUsed> messages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max) {
    long limit = correctMaxForH2Driver(max);
    Future<List<Try<Tuple2<PersistentRepr, Object>>>> rows = run(
        ctx -> readPage(ctx.connection(), persistenceId, fromSequenceNr, toSequenceNr, limit));
    return akka.stream.javadsl.Source.completionStage(FutureConverters.asJava(rows))
        .mapConcat(page -> page)
        .asScala();
  }

  private List<Try<Tuple2<PersistentRepr, Object>>> readPage(
      Connection connection, String persistenceId, long from, long to, long limit)
      throws SQLException {
    List<Try<Tuple2<PersistentRepr, Object>>> out = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(pageSql)) {
      st.setString(1, persistenceId);
      st.setLong(2, from);
      st.setLong(3, to);
      st.setLong(4, limit);
      st.setFetchSize((int) Math.min(limit, 10_000));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          int metaSerId = rs.getInt(12);
          Option<Object> metaSerIdOption = rs.wasNull() ? Option.empty() : Option.apply(metaSerId);
          JournalAkkaSerializationRow row = new JournalAkkaSerializationRow(
              rs.getLong(1),
              rs.getBoolean(2),
              rs.getString(3),
              rs.getLong(4),
              rs.getString(5),
              rs.getLong(6),
              rs.getString(7),
              rs.getBytes(8),
              rs.getInt(9),
              rs.getString(10),
              Option.apply(rs.getBytes(11)),
              metaSerIdOption,
              Option.apply(rs.getString(13)));
          out.add(AkkaSerialization$.MODULE$.fromRow(serialization, row));
        }
      }
    }
    return out;
  }

  /**
   * The highest sequence number, deleted rows included. H2 does not read an index backwards, so
   * a {@code MAX} or a descending {@code LIMIT 1} reads every row of the entity; Akka passes the
   * snapshot's sequence number as {@code fromSequenceNr}, and reading forwards from it costs only
   * the rows the replay reads anyway. Without a row from there on, the whole entity is read.
   */
  @Override
  public Future<Object> highestSequenceNr(String persistenceId, long fromSequenceNr) {
    return run(ctx -> {
      long fromHint = lastFrom(ctx.connection(), persistenceId, fromSequenceNr);
      return (Object) (fromHint > 0 ? fromHint : lastFrom(ctx.connection(), persistenceId, 0));
    });
  }

  /** The highest sequence number at or after {@code from}, or 0 if there is none. */
  private long lastFrom(Connection c, String persistenceId, long from) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(highestFromSql)) {
      st.setString(1, persistenceId);
      st.setLong(2, from);
      st.setFetchSize(10_000);
      long last = 0;
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          last = rs.getLong(1);
        }
      }
      return last;
    }
  }
}
