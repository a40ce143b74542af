package dev.revenant.journal.internal;

import akka.NotUsed;
import akka.persistence.PersistentRepr;
import akka.persistence.jdbc.AkkaSerialization$;
import akka.persistence.jdbc.config.EventJournalTableColumnNames;
import akka.persistence.jdbc.config.EventJournalTableConfiguration;
import akka.persistence.jdbc.config.EventTagTableConfiguration;
import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.journal.dao.DefaultJournalDao;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import akka.stream.scaladsl.Source;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import scala.Option;
import scala.Tuple2;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Future$;
import scala.runtime.BoxedUnit;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.MySQLProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * akka-persistence-jdbc's journal DAO, for every JDBC backend, with replay pages read by plain
 * JDBC one page ahead and decoded on several threads, and a cheaper deletion of covered entries
 * (what a checkpoint does after each snapshot), and writes as plain JDBC batch inserts (H2's
 * highest sequence number: {@link H2JournalDao}). Selected by {@code dao} in the journal plugins'
 * configuration (reference.conf).
 *
 * <p>A replay page is the plugin's query ({@code WHERE persistence_id = ? AND deleted = false AND
 * sequence_number BETWEEN ? AND ? LIMIT n}, the same rows in the same order, decoded by the
 * plugin's own {@code AkkaSerialization.fromRow}) with two differences. It is ordered so that
 * each database reads it straight from the key's index ({@link #keyOrder}): ordered otherwise,
 * H2 and MariaDB read and sort every remaining row of the entity for each page, so a long log
 * replayed in quadratic time. And it is read into one list on one pooled connection instead
 * of through a Slick stream per page: replaying 100,000 messages in pages of 2000 went from 87k
 * to 202k msg/s on PostgreSQL and from 88k to 205k msg/s on MariaDB (src-test/bin/bench, W3).
 *
 * <p>The plugin deletes up to {@code n} by marking every live row up to {@code n} deleted (an
 * UPDATE of each, which H2 rewrites in every index), then deleting all but the highest marked
 * row (kept so the highest sequence number survives). The end state needs only the highest row
 * up to {@code n} marked and the rows below it deleted: that is what this does, in one
 * transaction. On H2 it doubled the throughput of an entity checkpointing every 1,000 messages.
 * The tag rows of the deleted entries are deleted in the same transaction (nothing to do while
 * the tag table is empty, as Revenant never tags; otherwise a range probe that costs next to
 * nothing when the deleted entries have no tags): Revenant's schema has no
 * cascading foreign key from the tag table, whose per-row trigger made deleting 1,000 entries
 * 4.5 times slower on PostgreSQL (3.7 instead of 0.8 ms).
 */
public class RevenantJournalDao extends DefaultJournalDao {
  private final String quote;
  /** The journal table, quoted (with its schema if configured). */
  protected final String table;
  /** The journal's column names, unquoted. */
  protected final EventJournalTableColumnNames columns;
  private final String highestUpToSql;
  private final String entryExistsSql;
  private final String anyTagSql;
  private final String markSql;
  private final String deleteBelowSql;
  private final String orderingRangeBelowSql;
  private final String anyTagInRangeSql;
  private final String deleteTagsBelowSql;
  private final Serialization serialization;
  private final String pageSql;
  private final String insertSql;
  private final java.util.concurrent.Executor decodeExecutor;
  private final int decodeParallelism;
  private final WriteQueue<Tuple2<JournalAkkaSerializationRow,
      scala.collection.immutable.Set<String>>> writes;
  /** Rows decoded per task during a replay: small enough that the entity starts early. */
  private static final int DECODE_CHUNK = 1000;

  public RevenantJournalDao(
      JdbcBackend.DatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.quote = profile instanceof MySQLProfile ? "`" : "\"";
    EventJournalTableConfiguration t = journalConfig.eventJournalTableConfiguration();
    this.columns = t.columnNames();
    this.table = t.schemaName().isDefined()
        ? q(t.schemaName().get()) + "." + q(t.tableName())
        : q(t.tableName());
    String pid = q(columns.persistenceId());
    String seq = q(columns.sequenceNumber());
    boolean mysql = profile instanceof MySQLProfile;
    this.highestUpToSql = highestUpToSql(this::q, table, columns, mysql);
    this.markSql = "UPDATE " + table + " SET " + q(columns.deleted()) + " = TRUE WHERE " + pid
        + " = ? AND " + seq + " = ?";
    this.deleteBelowSql = "DELETE FROM " + table + " WHERE " + pid + " = ? AND " + seq + " < ?";
    EventTagTableConfiguration tags = journalConfig.eventTagTableConfiguration();
    String tagTable = tags.schemaName().isDefined()
        ? q(tags.schemaName().get()) + "." + q(tags.tableName())
        : q(tags.tableName());
    String eventId = q(tags.columnNames().eventId());
    this.entryExistsSql = "SELECT " + seq + " FROM " + table + " WHERE " + pid + " = ? AND "
        + seq + " = ?";
    this.anyTagSql = "SELECT " + eventId + " FROM " + tagTable + " LIMIT 1";
    this.orderingRangeBelowSql = "SELECT MIN(" + q(columns.ordering()) + "), MAX("
        + q(columns.ordering()) + ") FROM " + table + " WHERE " + pid + " = ? AND " + seq + " < ?";
    this.anyTagInRangeSql = "SELECT " + eventId + " FROM " + tagTable + " WHERE " + eventId
        + " >= ? AND " + eventId + " <= ? LIMIT 1";
    this.deleteTagsBelowSql = "DELETE FROM " + tagTable + " WHERE " + eventId + " >= ? AND "
        + eventId + " <= ? AND " + eventId + " IN (SELECT " + q(columns.ordering()) + " FROM "
        + table + " WHERE " + pid + " = ? AND " + seq + " < ?)";
    this.serialization = serialization;
    this.decodeExecutor = ec instanceof java.util.concurrent.Executor e ? e : ec::execute;
    this.decodeParallelism = decodeParallelism(mat.system().settings().config());
    this.pageSql = pageSql(this::q, table, columns, mysql);
    this.insertSql = insertSql(columns);
    this.writes = new WriteQueue<>(this::writeRows, journalConfig.daoConfig().batchSize(),
        journalConfig.daoConfig().parallelism(), journalConfig.daoConfig().bufferSize(),
        "bufferSize of the journal plugin, revenant.journal.max-writing-entities", ec);
  }

  /** The columns a write fills (all but {@code ordering}, which the database assigns). */
  private String insertSql(EventJournalTableColumnNames c) {
    return "INSERT INTO " + table + " (" + String.join(", ", q(c.deleted()),
        q(c.persistenceId()), q(c.sequenceNumber()), q(c.writer()), q(c.writeTimestamp()),
        q(c.adapterManifest()), q(c.eventPayload()), q(c.eventSerId()), q(c.eventSerManifest()),
        q(c.metaPayload()), q(c.metaSerId()), q(c.metaSerManifest()))
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  /** {@code revenant.journal.replay-decode-parallelism}, checked. */
  static int decodeParallelism(com.typesafe.config.Config config) {
    String key = "revenant.journal.replay-decode-parallelism";
    int n = config.getInt(key); // default in this module's reference.conf
    if (n < 1 || n > 64) {
      throw new com.typesafe.config.ConfigException.BadValue(
          key, "must be between 1 and 64, was [" + n + "]");
    }
    return n;
  }

  /** A quoted identifier, as the shipped DDL of this database spells it. */
  /**
   * The order of a query for one entity's entries by sequence number, {@code dir} "" or " DESC".
   * The rows are the same either way (the persistence id is fixed), but not the work: H2 reads a
   * page straight from the (persistence_id, sequence_number) key's index only when ordered by
   * the whole key (by the sequence number alone it read and sorted every remaining row of the
   * entity for each page), and MariaDB, when the connection's collation is not the persistence
   * id column's (the driver's utf8mb4_general_ci against the column's utf8mb4_nopad_bin), does
   * the same unless ordered by the sequence number alone.
   */
  static String keyOrder(UnaryOperator<String> q, EventJournalTableColumnNames c, boolean mysql,
      String dir) {
    String seq = q.apply(c.sequenceNumber()) + dir;
    return mysql ? seq : q.apply(c.persistenceId()) + dir + ", " + seq;
  }

  /** The highest sequence number of an entity up to a bound (parameters: id, bound). */
  static String highestUpToSql(UnaryOperator<String> q, String table,
      EventJournalTableColumnNames c, boolean mysql) {
    return "SELECT " + q.apply(c.sequenceNumber()) + " FROM " + table + " WHERE "
        + q.apply(c.persistenceId()) + " = ? AND " + q.apply(c.sequenceNumber()) + " <= ? ORDER BY "
        + keyOrder(q, c, mysql, " DESC") + " LIMIT 1";
  }

  /** A replay page (parameters: id, from, to, limit), every column in the table's order. */
  static String pageSql(UnaryOperator<String> q, String table, EventJournalTableColumnNames c,
      boolean mysql) {
    return "SELECT " + String.join(", ", q.apply(c.ordering()), q.apply(c.deleted()),
            q.apply(c.persistenceId()), q.apply(c.sequenceNumber()), q.apply(c.writer()),
            q.apply(c.writeTimestamp()), q.apply(c.adapterManifest()), q.apply(c.eventPayload()),
            q.apply(c.eventSerId()), q.apply(c.eventSerManifest()), q.apply(c.metaPayload()),
            q.apply(c.metaSerId()), q.apply(c.metaSerManifest()))
        + " FROM " + table + " WHERE " + q.apply(c.persistenceId()) + " = ? AND "
        + q.apply(c.deleted()) + " = FALSE AND " + q.apply(c.sequenceNumber()) + " >= ? AND "
        + q.apply(c.sequenceNumber()) + " <= ? ORDER BY " + keyOrder(q, c, mysql, "") + " LIMIT ?";
  }

  protected final String q(String identifier) {
    return quote + identifier.replace(quote, quote + quote) + quote;
  }

  /**
   * Queues one write's rows for the next batch ({@link WriteQueue}, in place of the plugin's
   * write queue, batching as it does: batchSize, parallelism and bufferSize as configured). The
   * plugin's own queue, an Akka stream its constructor starts, stays idle.
   */
  @Override
  public Future<BoxedUnit> queueWriteJournalRows(
      scala.collection.immutable.Seq<Tuple2<JournalAkkaSerializationRow,
          scala.collection.immutable.Set<String>>> xs) {
    return writes.offer(xs);
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(
      scala.collection.immutable.Seq<Tuple2<JournalAkkaSerializationRow,
          scala.collection.immutable.Set<String>>> xs) {
    return writeRows(scala.jdk.javaapi.CollectionConverters.asJava(xs));
  }

  /**
   * Writes one batch of the write queue (the entries of every entity that wrote since the last
   * batch) in one transaction, as the plugin does, with a plain JDBC batch INSERT. The plugin
   * inserts through Slick with {@code RETURNING ordering} (to tag the rows, also when no row has
   * a tag); the plain batch made a one-entity burst on H2 faster (src-test/bin/bench, W2).
   * Revenant never tags entries; a batch with tags goes the plugin's way.
   */
  private Future<BoxedUnit> writeRows(
      List<Tuple2<JournalAkkaSerializationRow, scala.collection.immutable.Set<String>>> xs) {
    List<JournalAkkaSerializationRow> rows = new ArrayList<>(xs.size());
    for (Tuple2<JournalAkkaSerializationRow, scala.collection.immutable.Set<String>> x : xs) {
      if (!x._2().isEmpty()) {
        return super.writeJournalRows(
            scala.jdk.javaapi.CollectionConverters.asScala(xs).toList());
      }
      rows.add(x._1());
    }
    if (rows.isEmpty()) { // every payload of the batch was rejected before it was queued
      return Future$.MODULE$.successful(BoxedUnit.UNIT);
    }
    // The plugin's order: by sequence number (stable, so each entity's entries stay in order).
    rows.sort(java.util.Comparator.comparingLong(JournalAkkaSerializationRow::sequenceNumber));
    return runInTransaction(() -> "writing " + rows.size() + " journal entries (of "
        + rows.get(0).persistenceId() + " and others)", ctx -> {
        try (PreparedStatement st = ctx.connection().prepareStatement(insertSql)) {
          for (JournalAkkaSerializationRow r : rows) {
            st.setBoolean(1, r.deleted());
            st.setString(2, r.persistenceId());
            st.setLong(3, r.sequenceNumber());
            st.setString(4, r.writer());
            st.setLong(5, r.writeTimestamp());
            st.setString(6, r.adapterManifest());
            st.setBytes(7, r.eventPayload());
            st.setInt(8, r.eventSerId());
            st.setString(9, r.eventSerManifest());
            if (r.metaPayload().isDefined()) {
              st.setBytes(10, r.metaPayload().get());
            } else {
              st.setNull(10, Types.BINARY);
            }
            if (r.metaSerId().isDefined()) {
              st.setInt(11, (Integer) r.metaSerId().get());
            } else {
              st.setNull(11, Types.INTEGER);
            }
            if (r.metaSerManifest().isDefined()) {
              st.setString(12, r.metaSerManifest().get());
            } else {
              st.setNull(12, Types.VARCHAR);
            }
            st.addBatch();
          }
          st.executeBatch();
        }
        return BoxedUnit.UNIT;
      });
  }

  @Override
  public Future<BoxedUnit> delete(String persistenceId, long maxSequenceNr) {
    return runInTransaction(() -> "deleting the journal of [" + persistenceId + "] up to "
        + maxSequenceNr, ctx -> {
        Connection c = ctx.connection();
        // A checkpoint deletes up to an entry that exists: one index lookup. Otherwise the
        // highest below (H2 reads every row of the entity up to it for that).
        long highest = firstLong(c, entryExistsSql, persistenceId, maxSequenceNr);
        if (highest <= 0) {
          highest = firstLong(c, highestUpToSql, persistenceId, maxSequenceNr);
        }
        if (highest > 0) {
          deleteTagsBelow(c, persistenceId, highest);
          try (PreparedStatement st = c.prepareStatement(markSql)) {
            st.setString(1, persistenceId);
            st.setLong(2, highest);
            st.executeUpdate();
          }
          try (PreparedStatement st = c.prepareStatement(deleteBelowSql)) {
            st.setString(1, persistenceId);
            st.setLong(2, highest);
            st.executeUpdate();
          }
        }
        return BoxedUnit.UNIT;
      });
  }

  /** The first column of the first row of {@code sql} bound to (pid, n), or 0 if none. */
  private static long firstLong(Connection c, String sql, String persistenceId, long n)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, persistenceId);
      st.setLong(2, n);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * Deletes the tag rows of the entries of {@code persistenceId} below {@code below}. Nothing
   * to do if the tag table is empty (Revenant never tags). Otherwise their orderings lie in one
   * range, and only if the tag table has a row in it (an index probe) are the rows in it that
   * belong to those entries deleted.
   */
  private void deleteTagsBelow(Connection c, String persistenceId, long below)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(anyTagSql);
        ResultSet rs = st.executeQuery()) {
      if (!rs.next()) {
        return;
      }
    }
    long min;
    long max;
    try (PreparedStatement st = c.prepareStatement(orderingRangeBelowSql)) {
      st.setString(1, persistenceId);
      st.setLong(2, below);
      try (ResultSet rs = st.executeQuery()) {
        rs.next(); // an aggregate: always one row, NULL when there is no entry
        min = rs.getLong(1);
        if (rs.wasNull()) {
          return;
        }
        max = rs.getLong(2);
      }
    }
    try (PreparedStatement st = c.prepareStatement(anyTagInRangeSql)) {
      st.setLong(1, min);
      st.setLong(2, max);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return;
        }
      }
    }
    try (PreparedStatement st = c.prepareStatement(deleteTagsBelowSql)) {
      st.setLong(1, min);
      st.setLong(2, max);
      st.setString(3, persistenceId);
      st.setLong(4, below);
      st.executeUpdate();
    }
  }

  /**
   * A whole replay, for {@link RevenantJdbcJournal}: every live entry of {@code persistenceId}
   * from {@code fromSequenceNr} to {@code toSequenceNr}, at most {@code max}, passed to {@code
   * callback} in order, one at a time. Rows are read in pages of {@code batchSize} as the plugin
   * reads them ({@link #readRows}), the next page while the current one is decoded and delivered,
   * and decoded in chunks on up to {@code revenant.journal.replay-decode-parallelism} threads of
   * the journal's dispatcher. At most three pages are held: one being read, one being decoded,
   * and what is left of the one before to be delivered.
   *
   * <p>The plugin replays through an Akka stream ({@code messagesWithBatch}, then {@code
   * mapAsync(1)} and {@code runForeach}): every entry passed through several stream stages, and
   * the stream's actor, on the two cores the decoding and the recovering entity also need. The
   * result is the same: the entries in order, and on the first row that cannot be read or the
   * first failed query, no further entry and a future failed with that exception.
   */
  public Future<BoxedUnit> replay(String persistenceId, long fromSequenceNr, long toSequenceNr,
      long max, int batchSize, scala.Function1<PersistentRepr, BoxedUnit> callback) {
    scala.concurrent.Promise<BoxedUnit> done = scala.concurrent.Promise.apply();
    if (max <= 0 || fromSequenceNr > toSequenceNr) {
      return done.success(BoxedUnit.UNIT).future();
    }
    new Replay(persistenceId, toSequenceNr, max, correctMaxForH2Driver(batchSize), callback, done)
        .read(Math.max(1, fromSequenceNr));
    return done.future();
  }

  /**
   * One replay in flight. Its steps run one after another (each is started by the completion of
   * the one before), on whichever thread completed that: a pool thread of the database or of the
   * dispatcher. Entries are delivered by a chain of futures, so one at a time and in order.
   */
  private final class Replay {
    private final String persistenceId;
    private final long to;
    private final long max;
    private final long limit;
    private final scala.Function1<PersistentRepr, BoxedUnit> callback;
    private final scala.concurrent.Promise<BoxedUnit> done;
    /** The end of the delivery chain: the number of entries delivered when it completes. */
    private CompletableFuture<Long> delivered = CompletableFuture.completedFuture(0L);
    /** Rows read so far (at least the entries delivered): no page is read past {@code max}. */
    private long rowsRead;
    private volatile boolean failed;

    Replay(String persistenceId, long to, long max, long limit,
        scala.Function1<PersistentRepr, BoxedUnit> callback,
        scala.concurrent.Promise<BoxedUnit> done) {
      this.persistenceId = persistenceId;
      this.to = to;
      this.max = max;
      this.limit = limit;
      this.callback = callback;
      this.done = done;
    }

    /** Reads the page from {@code from} on, then goes on with it. */
    void read(long from) {
      onPage(page(from));
    }

    private CompletableFuture<List<JournalAkkaSerializationRow>> page(long from) {
      return stage(run(ctx -> readRows(ctx.connection(), persistenceId, from, to, limit)));
    }

    private void onPage(CompletableFuture<List<JournalAkkaSerializationRow>> pageRead) {
      pageRead.whenComplete((page, error) -> {
        if (error != null) {
          fail(error);
          return;
        }
        if (failed) {
          return;
        }
        rowsRead += page.size();
        long lastSeq = page.isEmpty() ? to : page.get(page.size() - 1).sequenceNumber();
        // A short page, the last wanted row or enough rows end the reading (as the plugin).
        CompletableFuture<List<JournalAkkaSerializationRow>> next =
            page.size() < limit || lastSeq >= to || rowsRead >= max ? null : page(lastSeq + 1);
        List<List<JournalAkkaSerializationRow>> chunks = chunks(page, limit, decodeParallelism);
        List<CompletableFuture<List<Try<Tuple2<PersistentRepr, Object>>>>> decoded =
            new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
          List<JournalAkkaSerializationRow> chunk = chunks.get(i);
          // At most decodeParallelism chunks are decoded at a time.
          CompletableFuture<?> after = i < decodeParallelism
              ? CompletableFuture.completedFuture(null) : decoded.get(i - decodeParallelism);
          CompletableFuture<List<Try<Tuple2<PersistentRepr, Object>>>> d =
              after.thenApplyAsync(ignored -> decode(chunk), decodeExecutor);
          decoded.add(d);
          delivered = delivered.thenCombine(d, this::deliver);
        }
        if (next == null) {
          delivered.whenComplete((n, e) -> {
            if (e != null) {
              fail(e);
            } else {
              done.trySuccess(BoxedUnit.UNIT);
            }
          });
        } else {
          // The next page is decoded once this one is (its delivery may still go on).
          CompletableFuture.allOf(decoded.toArray(new CompletableFuture<?>[0]))
              .whenComplete((ignored, e) -> onPage(next));
        }
      });
    }

    /** Passes the decoded entries on; the first that could not be read fails the replay. */
    private long deliver(long deliveredBefore, List<Try<Tuple2<PersistentRepr, Object>>> rows) {
      long n = deliveredBefore;
      for (Try<Tuple2<PersistentRepr, Object>> row : rows) {
        if (n >= max || failed) {
          break;
        }
        try {
          callback.apply(row.get()._1()); // Try.get throws the row's failure
        } catch (RuntimeException e) {
          fail(e); // now, so that no further page is read
          throw e;
        }
        n++;
      }
      return n;
    }

    private void fail(Throwable error) {
      failed = true;
      Throwable cause = error instanceof java.util.concurrent.CompletionException
          && error.getCause() != null ? error.getCause() : error;
      done.tryFailure(cause);
    }
  }

  /** One page of a replay (the plugin's live queries ask for pages of replayBatchSize rows). */
  @Override
  public Source<Try<Tuple2<PersistentRepr, Object>>, NotUsed> messages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max) {
    long limit = correctMaxForH2Driver(max);
    Future<List<Try<Tuple2<PersistentRepr, Object>>>> rows = run(ctx -> decode(
        readRows(ctx.connection(), persistenceId, fromSequenceNr, toSequenceNr, limit)));
    return akka.stream.javadsl.Source.completionStage(stage(rows))
        .mapConcat(page -> page)
        .asScala();
  }

  /**
   * {@code f} as a plain {@link CompletableFuture}, completed on the thread that completes {@code
   * f}. Not {@code FutureConverters.asJava}: its future runs every callback added without an
   * executor ({@code handle}, {@code whenComplete}: what Akka's Java DSL adds) as the {@code
   * *Async} variant on the common pool, which on a two-core machine starts a new thread for each
   * (PITFALLS). A replay of 100,000 messages started ~110 threads that way, one per page and one
   * per decoded chunk.
   */
  static <T> CompletableFuture<T> stage(Future<T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.onComplete(result -> result.isSuccess()
            ? out.complete(result.get())
            : out.completeExceptionally(result.failed().get()),
        scala.concurrent.ExecutionContext.parasitic$.MODULE$);
    return out;
  }

  /**
   * A page in chunks of {@value #DECODE_CHUNK} rows, smaller when a full page would otherwise
   * give fewer chunks than decoders.
   */
  static List<List<JournalAkkaSerializationRow>> chunks(
      List<JournalAkkaSerializationRow> page, long pageSize, int decoders) {
    int size = (int) Math.max(1, Math.min(DECODE_CHUNK, pageSize / decoders));
    List<List<JournalAkkaSerializationRow>> out = new ArrayList<>();
    for (int i = 0; i < page.size(); i += size) {
      out.add(page.subList(i, Math.min(page.size(), i + size)));
    }
    return out;
  }

  /** The rows as the plugin decodes them; a row that cannot be read is a failure in place. */
  private List<Try<Tuple2<PersistentRepr, Object>>> decode(List<JournalAkkaSerializationRow> rows) {
    List<Try<Tuple2<PersistentRepr, Object>>> out = new ArrayList<>(rows.size());
    for (JournalAkkaSerializationRow row : rows) {
      out.add(AkkaSerialization$.MODULE$.fromRow(serialization, row));
    }
    return out;
  }

  private List<JournalAkkaSerializationRow> readRows(
      Connection connection, String persistenceId, long from, long to, long limit)
      throws SQLException {
    List<JournalAkkaSerializationRow> out = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(pageSql)) {
      st.setString(1, persistenceId);
      st.setLong(2, from);
      st.setLong(3, to);
      st.setLong(4, limit);
      st.setFetchSize((int) Math.min(limit, 10_000));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          // Read in column order: MariaDB's driver walks a text row from its start again for a
          // column before the last one read.
          long ordering = rs.getLong(1);
          boolean deleted = rs.getBoolean(2);
          String pid = rs.getString(3);
          long seq = rs.getLong(4);
          if (!persistenceId.equals(pid)) {
            throw otherEntitysEntry(persistenceId, pid, seq);
          }
          String writer = rs.getString(5);
          long writeTimestamp = rs.getLong(6);
          String adapterManifest = rs.getString(7);
          byte[] payload = rs.getBytes(8);
          int serId = rs.getInt(9);
          String serManifest = rs.getString(10);
          byte[] metaPayload = rs.getBytes(11);
          int metaSerId = rs.getInt(12);
          Option<Object> metaSerIdOption = rs.wasNull() ? Option.empty() : Option.apply(metaSerId);
          String metaSerManifest = rs.getString(13);
          out.add(new JournalAkkaSerializationRow(ordering, deleted, pid, seq, writer,
              writeTimestamp, adapterManifest, payload, serId, serManifest,
              Option.apply(metaPayload), metaSerIdOption, Option.apply(metaSerManifest)));
        }
      }
    }
    return out;
  }

  /**
   * The database answered a query for one persistence id with an entry of another: its column
   * compares inexactly (MariaDB's default collation takes ids that differ in case, accents or
   * trailing spaces for equal), so the two entities would share one log. Nothing is delivered.
   */
  static SQLException otherEntitysEntry(String asked, String found, long seq) {
    return new SQLException("[REV-E015] The journal answered a read of persistence id [" + asked
        + "] with entry " + seq + " of persistence id [" + found + "]: the database compares"
        + " persistence ids without regard to case, accents or trailing spaces, so these"
        + " entities would share one log. Convert the column to an exact collation (Revenant"
        + " does so at start with revenant.journal.create-schema = on), on MariaDB: "
        + JournalSchema.exactKeyStatement(
            new JournalSchema.Column("event_journal", "persistence_id", null), true)
        + ", and the same for snapshot.persistence_id and event_tag.tag");
  }

  /**
   * {@link #run}, in one transaction; on failure rolls back and fails with an exception naming
   * {@code what} was being done.
   */
  private <R> Future<R> runInTransaction(
      java.util.function.Supplier<String> what, JdbcCall<R> body) {
    return run(ctx -> {
      Connection c = ctx.connection();
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        R result = body.apply(ctx);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(c, e);
        throw failure(what.get(), e);
      } finally {
        c.setAutoCommit(auto);
      }
    });
  }

  /** Rolls back after {@code cause}; a failure to roll back is added to it. */
  private static void rollback(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** An exception for a failed database call, naming what was being done. */
  protected static RuntimeException failure(String what, Exception e) {
    return new IllegalStateException(what + " failed: " + e.getMessage(), e);
  }

  /** Runs {@code f} with a connection of the plugin's pool, on Slick's executor. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected final <R> Future<R> run(JdbcCall<R> f) {
    scala.Function1<JdbcBackend.JdbcActionContext, R> body = ctx -> {
      try {
        return f.apply(ctx);
      } catch (SQLException e) {
        throw failure("a journal query", e);
      }
    };
    // SimpleJdbcAction's effect type (Effect.All) is contravariant in Scala, invariant in Java.
    return (Future<R>) db().run((DBIOAction) SimpleJdbcAction.apply(body));
  }

  /** Work on a pooled connection that may throw SQLException. */
  @FunctionalInterface
  protected interface JdbcCall<R> {
    R apply(JdbcBackend.JdbcActionContext ctx) throws SQLException;
  }
}
