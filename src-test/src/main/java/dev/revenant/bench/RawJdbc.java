package dev.revenant.bench;

import akka.serialization.Serialization;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The ceilings: plain JDBC on the journal's own table and database, no Akka in the way.
 * Rows are shaped like the ones akka-persistence-jdbc writes (same columns, same serializer id
 * and manifest, payload bytes of a real Revenant envelope) under persistence ids of their own.
 */
final class RawJdbc {
  private final Backend b;

  RawJdbc(Backend backend) {
    this.b = backend;
  }

  /** A serialized payload with the serializer id and manifest the journal would store. */
  record Payload(byte[] bytes, int serializerId, String manifest) {}

  /**
   * Inserts one row per (persistence id, sequence number): for each sequence number 1..perId,
   * each persistence id (the order interleaved entities produce), {@code batch} rows per commit.
   *
   * @return elapsed nanoseconds
   */
  long insert(Connection c, List<String> persistenceIds, int perId, Payload payload, int batch)
      throws SQLException {
    String writer = UUID.randomUUID().toString();
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    long start = System.nanoTime();
    try (PreparedStatement st = c.prepareStatement(insertSql())) {
      int inBatch = 0;
      for (int seq = 1; seq <= perId; seq++) {
        for (String pid : persistenceIds) {
          bindRow(st, pid, seq, writer, payload);
          st.addBatch();
          if (++inBatch == batch) {
            st.executeBatch();
            c.commit();
            inBatch = 0;
          }
        }
      }
      if (inBatch > 0) {
        st.executeBatch();
        c.commit();
      }
    } finally {
      c.setAutoCommit(auto);
    }
    return System.nanoTime() - start;
  }

  /**
   * Inserts {@code n} rows of {@code persistenceId} (sequence numbers from {@code fromSeq}), one
   * INSERT and one commit each, as a journal writes one message with nothing else in flight.
   *
   * @return the nanoseconds of each insert-and-commit
   */
  long[] insertEachCommitted(Connection c, String persistenceId, long fromSeq, int n,
      Payload payload) throws SQLException {
    String writer = UUID.randomUUID().toString();
    long[] nanos = new long[n];
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement st = c.prepareStatement(insertSql())) {
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        bindRow(st, persistenceId, fromSeq + i, writer, payload);
        st.executeUpdate();
        c.commit();
        nanos[i] = System.nanoTime() - start;
      }
    } finally {
      c.setAutoCommit(auto);
    }
    return nanos;
  }

  private String insertSql() {
    return "INSERT INTO " + b.q("event_journal") + " (" + b.q("persistence_id") + ", "
        + b.q("sequence_number") + ", " + b.q("deleted") + ", " + b.q("writer") + ", "
        + b.q("write_timestamp") + ", " + b.q("adapter_manifest") + ", " + b.q("event_payload")
        + ", " + b.q("event_ser_id") + ", " + b.q("event_ser_manifest")
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  private static void bindRow(PreparedStatement st, String pid, long seq, String writer,
      Payload payload) throws SQLException {
    st.setString(1, pid);
    st.setLong(2, seq);
    st.setBoolean(3, false);
    st.setString(4, writer);
    st.setLong(5, System.currentTimeMillis());
    st.setString(6, "");
    st.setBytes(7, payload.bytes());
    st.setInt(8, payload.serializerId());
    st.setString(9, payload.manifest());
  }

  /** Every column of the journal's replay query, from the journal table. */
  private String selectColumns() {
    return "SELECT " + b.q("ordering") + ", " + b.q("deleted") + ", " + b.q("persistence_id")
        + ", " + b.q("sequence_number") + ", " + b.q("writer") + ", " + b.q("write_timestamp")
        + ", " + b.q("adapter_manifest") + ", " + b.q("event_payload") + ", " + b.q("event_ser_id")
        + ", " + b.q("event_ser_manifest") + ", " + b.q("meta_payload") + ", " + b.q("meta_ser_id")
        + ", " + b.q("meta_ser_manifest") + " FROM " + b.q("event_journal");
  }

  /** {@code WHERE} one entity's rows that are not deleted; its parameter is the persistence id. */
  private String liveRowsOf() {
    return " WHERE " + b.q("persistence_id") + " = ? AND " + b.q("deleted") + " = false";
  }

  /** What a SELECT read: rows and elapsed nanoseconds. */
  record Read(long rows, long nanos) {}

  /** A stored payload with its serializer id and manifest. */
  record Stored(byte[] bytes, int serializerId, String manifest) {}

  /** The payloads of the live rows of {@code persistenceId}, in sequence order. */
  List<Stored> stored(Connection c, String persistenceId) throws SQLException {
    String sql = "SELECT " + b.q("event_payload") + ", " + b.q("event_ser_id") + ", "
        + b.q("event_ser_manifest") + " FROM " + b.q("event_journal") + liveRowsOf() + " ORDER BY "
        + b.q("sequence_number");
    List<Stored> out = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, persistenceId);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(new Stored(rs.getBytes(1), rs.getInt(2), rs.getString(3)));
        }
      }
    }
    return out;
  }

  /**
   * Reads every column of the live rows of {@code persistenceId} from {@code fromSeq} on, in
   * sequence order, as the journal's replay query does; optionally deserializes each payload.
   * {@code orderBy} says how the query asks for that order: {@link #orders} are the candidates.
   */
  Read select(Connection c, String persistenceId, long fromSeq, int fetchSize, String orderBy,
      Serialization decodeWith) throws SQLException {
    String sql = selectColumns() + liveRowsOf() + " AND "
        + b.q("sequence_number") + " >= ? ORDER BY " + orderBy;
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
    long start = System.nanoTime();
    long rows = 0;
    long check = 0;
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setFetchSize(fetchSize);
      st.setString(1, persistenceId);
      st.setLong(2, fromSeq);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows++;
          // In column order: MariaDB's driver walks a text row from its start for a column
          // before the last one read.
          check += rs.getLong(1);
          rs.getBoolean(2);
          rs.getString(3);
          check += rs.getLong(4);
          rs.getString(5);
          check += rs.getLong(6);
          rs.getString(7);
          byte[] payload = rs.getBytes(8);
          int serId = rs.getInt(9);
          String manifest = rs.getString(10);
          rs.getBytes(11);
          rs.getInt(12);
          rs.getString(13);
          check += payload.length;
          if (decodeWith != null) {
            decodeWith.deserialize(payload, serId, manifest).get();
          }
        }
      }
      c.commit();
    } finally {
      c.setAutoCommit(auto);
    }
    if (check == 42) {
      System.err.print(""); // keep the reads from being optimized away
    }
    return new Read(rows, System.nanoTime() - start);
  }

  /**
   * The ORDER BY clauses that give one entity's rows in sequence order: by the sequence number,
   * and by the whole key (persistence id, sequence number). Which one a database reads straight
   * from its key differs (H2 sorts the rows for the first, MariaDB for the second when the
   * session's collation is not the column's), so a raw read that is to be the ceiling tries both.
   */
  List<String> orders() {
    return List.of(b.q("sequence_number"), b.q("persistence_id") + ", " + b.q("sequence_number"));
  }

  /**
   * Reads the rows the way the journal replays them: pages of {@code page} rows, each an
   * open-ended range {@code sequence_number >= from AND <= Long.MAX_VALUE ORDER BY
   * <the backend's replay order> LIMIT page}, until a page comes back short. Diagnostic: it
   * separates the cost of the journal's query shape on this database from the cost above it.
   */
  Read selectPaged(Connection c, String persistenceId, long fromSeq, int page) throws SQLException {
    String sql = selectColumns() + liveRowsOf() + " AND "
        + b.q("sequence_number") + " >= ? AND " + b.q("sequence_number") + " <= ? ORDER BY "
        + b.replayOrder() + " LIMIT ?";
    long start = System.nanoTime();
    long rows = 0;
    long from = fromSeq;
    try (PreparedStatement st = c.prepareStatement(sql)) {
      while (true) {
        st.setString(1, persistenceId);
        st.setLong(2, from);
        st.setLong(3, Long.MAX_VALUE);
        st.setLong(4, page);
        int inPage = 0;
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            inPage++;
            from = rs.getLong(4) + 1;
            rs.getBytes(8);
            rs.getString(10);
          }
        }
        rows += inPage;
        if (inPage < page) {
          break;
        }
      }
    }
    return new Read(rows, System.nanoTime() - start);
  }

  /** The newest snapshot of {@code persistenceId}: its sequence number (0: none) and read time. */
  Read newestSnapshot(Connection c, String persistenceId) throws SQLException {
    String sql = "SELECT " + b.q("sequence_number") + ", " + b.q("created") + ", "
        + b.q("snapshot_ser_id") + ", " + b.q("snapshot_ser_manifest") + ", "
        + b.q("snapshot_payload") + " FROM " + b.q("snapshot") + " WHERE " + b.q("persistence_id")
        + " = ? ORDER BY " + b.q("sequence_number") + " DESC LIMIT 1";
    long start = System.nanoTime();
    long seq = 0;
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, persistenceId);
      try (ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          seq = rs.getLong(1);
          rs.getBytes(5);
        }
      }
    }
    return new Read(seq, System.nanoTime() - start);
  }

  /** The payload, serializer id and manifest of sequence number 1 of {@code persistenceId}. */
  Payload storedPayload(Connection c, String persistenceId) throws SQLException {
    String sql = "SELECT " + b.q("event_payload") + ", " + b.q("event_ser_id") + ", "
        + b.q("event_ser_manifest") + " FROM " + b.q("event_journal") + " WHERE "
        + b.q("persistence_id") + " = ? AND " + b.q("sequence_number") + " = 1";
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, persistenceId);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no journal row for " + persistenceId);
        }
        return new Payload(rs.getBytes(1), rs.getInt(2), rs.getString(3));
      }
    }
  }
}
