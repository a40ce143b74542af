package dev.revenant.journal;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import akka.testkit.javadsl.TestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The storage contract every backend keeps, driven through Akka's journal and snapshot
 * protocols (what akka-persistence-typed itself sends) and the read journal.
 */
class JournalContractTest {
  private static final Duration T = Duration.ofSeconds(15);
  private static final int REPLAY_PAGE = 4;

  private ActorSystem system;
  private Path dataDir;
  private String backend;

  static Stream<String> backends() {
    return Stream.concat(jdbcBackends(), Stream.of("in-memory"));
  }

  /** The backends with a database behind them. */
  static Stream<String> jdbcBackends() {
    return Stream.of("h2-file", "h2-server", "postgres", "mariadb");
  }

  private static org.h2.tools.Server h2Server;

  private void start(String backend) throws Exception {
    start(backend, Map.of());
  }

  private void start(String backend, Map<String, Object> extra) throws Exception {
    Backends.requireAvailable(backend);
    this.backend = backend;
    dataDir = Files.createTempDirectory("contract");
    Map<String, Object> overrides = new HashMap<>(extra);
    if (backend.equals("h2-server")) {
      h2Server = JournalServer.start(0, dataDir.resolve("server"));
      overrides.put("revenant.journal.h2-server.port", h2Server.getPort());
    }
    overrides.put("revenant.journal.backend", backend);
    // Small replay pages, so that every replay below crosses page boundaries.
    overrides.put("revenant.journal.plugins." + backend + ".journal.replayBatchSize", REPLAY_PAGE);
    overrides.put("revenant.journal.h2-file.data-dir", dataDir.toString());
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication()));
    system = ActorSystem.create("contract", config);
  }

  @AfterEach
  void stop() {
    if (system != null) {
      TestKit.shutdownActorSystem(system);
    }
    if (h2Server != null) {
      h2Server.stop();
      h2Server = null;
    }
  }

  private ActorRef journal() {
    return Persistence.get(system)
        .journalFor(system.settings().config().getString("revenant.journal.plugin-id"),
            ConfigFactory.empty());
  }

  private ActorRef snapshots() {
    return Persistence.get(system)
        .snapshotStoreFor(
            system.settings().config().getString("revenant.journal.snapshot-plugin-id"),
            ConfigFactory.empty());
  }

  private static String pid() {
    return "contract|" + UUID.randomUUID();
  }

  private static PersistentRepr repr(String pid, long seq, Object payload) {
    return PersistentRepr.apply(payload, seq, pid, "", false, ActorRef.noSender(), "writer-1");
  }

  private static AtomicWrite atomic(String pid, long from, long to) {
    List<PersistentRepr> l = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      l.add(repr(pid, s, new ContractEvent("e" + s, s)));
    }
    return new AtomicWrite(CollectionConverters.asScala(l).toList());
  }

  /** Writes, and returns the responses after WriteMessagesSuccessful / Failed. */
  private List<Object> write(TestKit probe, AtomicWrite... writes) {
    List<PersistentEnvelope> envs = List.of(writes);
    journal().tell(
        new JournalProtocol.WriteMessages(
            CollectionConverters.asScala(envs).toList(), probe.getRef(), 1),
        probe.getRef());
    Object first = probe.expectMsgAnyClassOf(T,
        JournalProtocol.WriteMessagesSuccessful$.class, JournalProtocol.WriteMessagesFailed.class);
    List<Object> out = new ArrayList<>();
    out.add(first);
    int reprs = 0;
    for (AtomicWrite w : writes) {
      reprs += w.size();
    }
    for (int i = 0; i < reprs; i++) {
      out.add(probe.expectMsgAnyClassOf(T, Object.class));
    }
    return out;
  }

  private List<Long> replay(TestKit probe, String pid, long from, long to, long max) {
    journal().tell(new JournalProtocol.ReplayMessages(from, to, max, pid, probe.getRef()),
        probe.getRef());
    List<Long> seqs = new ArrayList<>();
    while (true) {
      Object m = probe.expectMsgAnyClassOf(T, Object.class);
      if (m instanceof JournalProtocol.ReplayedMessage r) {
        seqs.add(r.persistent().sequenceNr());
        assertThat(r.persistent().payload())
            .isEqualTo(new ContractEvent("e" + r.persistent().sequenceNr(), r.persistent().sequenceNr()));
      } else if (m instanceof JournalProtocol.RecoverySuccess) {
        return seqs;
      } else {
        throw new AssertionError("unexpected reply to ReplayMessages: " + m);
      }
    }
  }

  private long highest(TestKit probe, String pid) {
    return highestFrom(probe, pid, Long.MAX_VALUE);
  }

  /** The highest sequence number, asked as a recovery from {@code from} (a snapshot) asks. */
  private long highestFrom(TestKit probe, String pid, long from) {
    journal().tell(new JournalProtocol.ReplayMessages(from, Long.MAX_VALUE, 0, pid,
        probe.getRef()), probe.getRef());
    return probe.expectMsgClass(T, JournalProtocol.RecoverySuccess.class).highestSequenceNr();
  }

  private void deleteTo(TestKit probe, String pid, long to) {
    journal().tell(new JournalProtocol.DeleteMessagesTo(pid, to, probe.getRef()), probe.getRef());
    probe.expectMsgClass(T, akka.persistence.DeleteMessagesSuccess.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void writesAndReplaysWithinBounds(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    List<Object> acks = write(probe, atomic(pid, 1, 3), atomic(pid, 4, 5));
    assertThat(acks.get(0)).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    assertThat(acks.subList(1, acks.size()))
        .allSatisfy(a -> assertThat(a).isInstanceOf(JournalProtocol.WriteMessageSuccess.class));
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(replay(probe, pid, 2, 4, Long.MAX_VALUE)).containsExactly(2L, 3L, 4L);
    assertThat(replay(probe, pid, 2, 5, 2)).containsExactly(2L, 3L);
    assertThat(highest(probe, pid)).isEqualTo(5);
    assertThat(highest(probe, pid())).isZero();
  }

  /**
   * What a write stores comes back on replay field by field: payload, manifest, writer and
   * metadata (present or absent), also when several entities' entries share one batch.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void everyFieldOfAnEntryComesBackOnReplay(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    String other = pid();
    PersistentRepr withMeta = repr(pid, 1, new ContractEvent("e1", 1)).withManifest("m-1")
        .withMetadata(new ContractEvent("meta", 42));
    PersistentRepr plain = PersistentRepr.apply(new ContractEvent("e2", 2), 2, pid, "", false,
        ActorRef.noSender(), "writer-2");
    long before = System.currentTimeMillis();
    List<Object> acks = write(probe,
        new AtomicWrite(CollectionConverters.asScala(List.of(withMeta, plain)).toList()),
        atomic(other, 1, 3));
    assertThat(acks.get(0)).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    journal().tell(new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, pid,
        probe.getRef()), probe.getRef());
    PersistentRepr first =
        probe.expectMsgClass(T, JournalProtocol.ReplayedMessage.class).persistent();
    PersistentRepr second =
        probe.expectMsgClass(T, JournalProtocol.ReplayedMessage.class).persistent();
    probe.expectMsgClass(T, JournalProtocol.RecoverySuccess.class);
    assertThat(first.payload()).isEqualTo(new ContractEvent("e1", 1));
    assertThat(first.manifest()).isEqualTo("m-1");
    assertThat(first.writerUuid()).isEqualTo("writer-1");
    // Akka's journal stamps the write time and the plugin does not replay it; it is in the row
    // for other readers.
    if (!backend.equals("in-memory")) {
      assertThat(storedTimestamp(pid, 1)).isBetween(before, System.currentTimeMillis());
    }
    assertThat(first.metadata().isDefined()).as("metadata of the first entry").isTrue();
    assertThat(first.metadata().get()).isEqualTo(new ContractEvent("meta", 42));
    assertThat(second.payload()).isEqualTo(new ContractEvent("e2", 2));
    assertThat(second.manifest()).isEmpty();
    assertThat(second.writerUuid()).isEqualTo("writer-2");
    assertThat(second.metadata().isEmpty()).as("metadata of the second entry").isTrue();
    assertThat(replay(probe, other, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L, 2L, 3L);
  }

  /**
   * Every entry is replayed, also an earlier writer's after a later writer's: the runtime, not
   * the journal, decides what such a log means (it stops the entity naming the interleaved
   * writers). Akka's replay filter in its default mode would drop entry 4 here.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void everyEntryIsReplayedAlsoWhenWritersInterleave(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    String[] writers = {"writer-a", "writer-a", "writer-b", "writer-a"};
    for (int i = 0; i < writers.length; i++) {
      long seq = i + 1;
      PersistentRepr r = PersistentRepr.apply(new ContractEvent("e" + seq, seq), seq, pid, "",
          false, ActorRef.noSender(), writers[i]);
      List<Object> acks =
          write(probe, new AtomicWrite(CollectionConverters.asScala(List.of(r)).toList()));
      assertThat(acks.get(0)).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    }
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE))
        .containsExactly(1L, 2L, 3L, 4L);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void deletesUpToASequenceNumberAndKeepsTheHighest(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    write(probe, atomic(pid, 1, 5));
    deleteTo(probe, pid, 3);
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(4L, 5L);
    deleteTo(probe, pid, 5);
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
    assertThat(highest(probe, pid)).isEqualTo(5);
    deleteTo(probe, pid, 2); // below what is already deleted: changes nothing
    deleteTo(probe, pid, 100); // past the end: deletes what there is
    assertThat(highest(probe, pid)).isEqualTo(5);
    write(probe, atomic(pid, 6, 8));
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(6L, 7L, 8L);
    deleteTo(probe, pid, 7);
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(8L);
    assertThat(highest(probe, pid)).isEqualTo(8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void replaysPageByPageInOrderWhileAnotherEntityInterleaves(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String a = pid();
    String b = pid();
    for (long s = 1; s <= 23; s++) {
      write(probe, atomic(a, s, s), atomic(b, s, s));
    }
    assertThat(replay(probe, a, 1, Long.MAX_VALUE, Long.MAX_VALUE))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 23).boxed().toList());
    assertThat(replay(probe, b, 6, 17, Long.MAX_VALUE))
        .containsExactlyElementsOf(LongStream.rangeClosed(6, 17).boxed().toList());
    assertThat(replay(probe, b, 6, 17, 9))
        .containsExactlyElementsOf(LongStream.rangeClosed(6, 14).boxed().toList());
    assertThat(replay(probe, a, REPLAY_PAGE, REPLAY_PAGE * 2, Long.MAX_VALUE))
        .containsExactlyElementsOf(
            LongStream.rangeClosed(REPLAY_PAGE, REPLAY_PAGE * 2).boxed().toList());
    deleteTo(probe, a, 10);
    assertThat(replay(probe, a, 1, Long.MAX_VALUE, Long.MAX_VALUE))
        .containsExactlyElementsOf(LongStream.rangeClosed(11, 23).boxed().toList());
    assertThat(highest(probe, a)).isEqualTo(23);
    assertThat(highest(probe, b)).isEqualTo(23);
    // From a snapshot's position: inside the log, at its end, past it, below the deleted part.
    assertThat(highestFrom(probe, a, 17)).isEqualTo(23);
    assertThat(highestFrom(probe, a, 23)).isEqualTo(23);
    assertThat(highestFrom(probe, a, 40)).isEqualTo(23);
    assertThat(highestFrom(probe, a, 3)).isEqualTo(23);
  }

  /** A JDBC connection to the journal's own database (not through the plugin's pool). */
  private java.sql.Connection directConnection() throws java.sql.SQLException {
    Config db = system.settings().config()
        .getConfig("akka-persistence-jdbc.shared-databases.revenant-" + backend + ".db");
    return java.sql.DriverManager.getConnection(
        db.getString("url"), db.getString("user"), db.getString("password"));
  }

  /** SQL renaming a column of the journal table, in this backend's dialect. */
  private String renameJournalColumn(String from, String to) {
    String q = backend.equals("mariadb") ? "`" : "\"";
    String table = "ALTER TABLE " + q + "event_journal" + q;
    return backend.startsWith("h2")
        ? table + " ALTER COLUMN " + q + from + q + " RENAME TO " + q + to + q
        : table + " RENAME COLUMN " + q + from + q + " TO " + q + to + q;
  }

  /** The write_timestamp column of one entry, read with plain SQL. */
  private long storedTimestamp(String pid, long seq) throws Exception {
    String q = backend.equals("mariadb") ? "`" : "\"";
    try (java.sql.Connection c = directConnection();
        java.sql.PreparedStatement st = c.prepareStatement("SELECT " + q + "write_timestamp" + q
            + " FROM " + q + "event_journal" + q + " WHERE " + q + "persistence_id" + q
            + " = ? AND " + q + "sequence_number" + q + " = ?")) {
      st.setString(1, pid);
      st.setLong(2, seq);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).as("entry %s of %s exists", seq, pid).isTrue();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Overwrites the stored payload of one entry (damaged storage), returning what it was; on the
   * JDBC backends with plain SQL on the journal's own database.
   */
  private byte[] overwritePayload(String pid, long seq, byte[] bytes) throws Exception {
    if (backend.equals("in-memory")) {
      return InMemoryJournal.damageEvent(pid, seq, bytes);
    }
    String q = backend.equals("mariadb") ? "`" : "\"";
    String where = " FROM " + q + "event_journal" + q + " WHERE " + q + "persistence_id" + q
        + " = ? AND " + q + "sequence_number" + q + " = ?";
    try (java.sql.Connection c = directConnection()) {
      byte[] old;
      try (java.sql.PreparedStatement st =
          c.prepareStatement("SELECT " + q + "event_payload" + q + where)) {
        st.setString(1, pid);
        st.setLong(2, seq);
        try (java.sql.ResultSet rs = st.executeQuery()) {
          assertThat(rs.next()).as("entry %s of %s exists", seq, pid).isTrue();
          old = rs.getBytes(1);
        }
      }
      try (java.sql.PreparedStatement st = c.prepareStatement("UPDATE " + q + "event_journal" + q
          + " SET " + q + "event_payload" + q + " = ?" + where.substring(where.indexOf(" WHERE")))) {
        st.setBytes(1, bytes);
        st.setString(2, pid);
        st.setLong(3, seq);
        assertThat(st.executeUpdate()).isEqualTo(1);
      }
      return old;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void anEntryThatCannotBeReadFailsTheReplayThereAndTheLogIsKept(String backend)
      throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    write(probe, atomic(pid, 1, 10));
    // In the second replay page (REPLAY_PAGE = 4), not its first row.
    byte[] original = overwritePayload(pid, 7, new byte[] {(byte) 0xff, 0x00});
    journal().tell(new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, pid,
        probe.getRef()), probe.getRef());
    List<Long> seqs = new ArrayList<>();
    Object m;
    while ((m = probe.expectMsgAnyClassOf(T, Object.class))
        instanceof JournalProtocol.ReplayedMessage r) {
      seqs.add(r.persistent().sequenceNr());
    }
    assertThat(m).isInstanceOf(JournalProtocol.ReplayMessagesFailure.class);
    assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    // Nothing was skipped or removed: with the entry repaired, the whole log replays.
    assertThat(highest(probe, pid)).isEqualTo(10);
    overwritePayload(pid, 7, original);
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
  }

  /**
   * A replay hands its pages and decoded chunks on without a thread per step. Scala's
   * converted futures run every callback that Akka's Java DSL adds on the common pool, which on
   * a two-core machine starts a new thread per callback: one per page and one per chunk before
   * (PITFALLS). Here 60 pages of 4, in chunks of 2: at least 90 threads that way.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aReplayStartsNoThreadPerPage(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    write(probe, atomic(pid, 1, REPLAY_PAGE * 60));
    List<Long> all = LongStream.rangeClosed(1, REPLAY_PAGE * 60).boxed().toList();
    // Once first, so that the pools' threads exist.
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(all);
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(all);
    assertThat(threads.getTotalStartedThreadCount() - before)
        .as("threads started during a replay of 60 pages").isLessThan(10);
  }

  /**
   * A replay whose page query fails (here: a column it reads is renamed for a moment, which the
   * highest-sequence-number query before it does not read) fails with the database's error,
   * and replays in full again once the column is back.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdbcBackends")
  void aFailedPageQueryFailsTheReplayWithTheDatabasesError(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    write(probe, atomic(pid, 1, REPLAY_PAGE * 3));
    try (java.sql.Connection c = directConnection();
        java.sql.Statement st = c.createStatement()) {
      st.execute(renameJournalColumn("writer", "writer_away"));
      try {
        journal().tell(new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE,
            pid, probe.getRef()), probe.getRef());
        JournalProtocol.ReplayMessagesFailure failure =
            probe.expectMsgClass(T, JournalProtocol.ReplayMessagesFailure.class);
        assertThat(failure.cause()).hasMessageContaining("a journal query failed")
            .hasMessageContaining("writer");
      } finally {
        st.execute(renameJournalColumn("writer_away", "writer"));
      }
    }
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, REPLAY_PAGE * 3).boxed().toList());
  }

  /** Not bound to any serializer, and Java serialization is off. */
  record Unserializable(Thread thread) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aPayloadThatCannotBeSerializedIsRejectedAloneAndTheRestIsWritten(String backend)
      throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String good = pid();
    String bad = pid();
    AtomicWrite badWrite =
        new AtomicWrite(CollectionConverters.asScala(
            List.of(repr(bad, 1, new Unserializable(Thread.currentThread())))).toList());
    List<Object> acks = write(probe, atomic(good, 1, 2), badWrite, atomic(good, 3, 3));
    assertThat(acks.get(0)).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    assertThat(acks).filteredOn(a -> a instanceof JournalProtocol.WriteMessageRejected).hasSize(1);
    assertThat(acks).filteredOn(a -> a instanceof JournalProtocol.WriteMessageSuccess).hasSize(3);
    assertThat(replay(probe, good, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L, 2L, 3L);
    assertThat(highest(probe, bad)).isZero();
    // A write whose every payload is rejected writes nothing and is answered all the same.
    List<Object> alone = write(probe, badWrite);
    assertThat(alone.get(0)).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    assertThat(alone.get(1)).isInstanceOf(JournalProtocol.WriteMessageRejected.class);
    assertThat(highest(probe, bad)).isZero();
  }

  /**
   * A recovery that starts while the entity's last write is still being written (a restart
   * right after a write) reads the highest sequence number after that write, not before it.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aHighestSequenceNumberAskedDuringAWriteIsReadAfterIt(String backend) throws Exception {
    start(backend);
    TestKit writer = new TestKit(system);
    TestKit recovery = new TestKit(system);
    String pid = pid();
    for (int round = 1; round <= 3; round++) {
      long from = (round - 1) * 2000L + 1;
      long to = round * 2000L;
      journal().tell(new JournalProtocol.WriteMessages(
              CollectionConverters.asScala(List.<PersistentEnvelope>of(atomic(pid, from, to)))
                  .toList(), writer.getRef(), 1),
          writer.getRef());
      // Asked at once, without waiting for the write's answer.
      journal().tell(new JournalProtocol.ReplayMessages(to + 1, Long.MAX_VALUE, 0, pid,
          recovery.getRef()), recovery.getRef());
      assertThat(recovery.expectMsgClass(T, JournalProtocol.RecoverySuccess.class)
          .highestSequenceNr()).as("highest sequence number asked during write %d", round)
          .isEqualTo(to);
      writer.expectMsgClass(T, JournalProtocol.WriteMessagesSuccessful$.class);
      writer.receiveN(2000, T);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aSecondWriteOfTheSameSequenceNumberFailsAndKeepsTheFirst(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    write(probe, atomic(pid, 1, 2));
    AtomicWrite again =
        new AtomicWrite(CollectionConverters.asScala(
            List.of(repr(pid, 2, new ContractEvent("other", -1)))).toList());
    List<Object> acks = write(probe, again);
    assertThat(acks.get(0)).isInstanceOf(JournalProtocol.WriteMessagesFailed.class);
    assertThat(acks.get(1)).isInstanceOf(JournalProtocol.WriteMessageFailure.class);
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L, 2L);
    // The failed batch failed only its own writes: the journal keeps writing.
    assertThat(write(probe, atomic(pid, 3, 3)).get(0))
        .isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L, 2L, 3L);
  }

  /**
   * Persistence ids that differ only in case, accents or trailing spaces are different entities
   * on every backend: each keeps its own entries, highest sequence number and snapshots (MariaDB's
   * default collation took them for one key: the second entity's writes failed as duplicates
   * and its replay delivered the first one's entries).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void idsThatDifferOnlyInCaseAccentsOrTrailingSpacesAreDifferentEntities(String backend)
      throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String base = pid();
    List<String> pids = List.of(base + "-alice", base + "-Alice", base + "-alice ",
        base + "-alicé", base + "-ALICE");
    for (int i = 0; i < pids.size(); i++) {
      assertThat(write(probe, atomic(pids.get(i), 1, i + 1)).get(0))
          .as(pids.get(i)).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
      snapshots().tell(new SnapshotProtocol.SaveSnapshot(
          SnapshotMetadata.apply(pids.get(i), i + 1, 1000), new ContractEvent("s" + (i + 1), i + 1)),
          probe.getRef());
      probe.expectMsgClass(T, akka.persistence.SaveSnapshotSuccess.class);
    }
    for (int i = 0; i < pids.size(); i++) {
      String pid = pids.get(i);
      assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).as("[" + pid + "]")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, i + 1).boxed().toList());
      assertThat(highest(probe, pid)).as("[" + pid + "]").isEqualTo(i + 1);
      assertThat(load(probe, pid, SnapshotSelectionCriteria.latest())).as("[" + pid + "]")
          .isEqualTo(i + 1);
    }
  }

  /**
   * On a MariaDB schema whose persistence ids compare inexactly (an earlier Revenant's, run with
   * create-schema = off so that it is not converted), a replay that the database answers with
   * another entity's entries fails with REV-E015 naming both ids, and delivers none of them.
   */
  @org.junit.jupiter.api.Test
  void aReplayAnsweredWithAnotherEntitysEntriesFailsAndDeliversNone() throws Exception {
    Backends.requireAvailable("mariadb");
    String db = "revenant_inexact_test";
    try (java.sql.Connection c = Backends.connect("mariadb");
        java.sql.Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + db);
      st.execute("CREATE DATABASE " + db + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
      st.execute("USE " + db);
      String earlier = dev.revenant.journal.internal.JournalSchema.ddl("mariadb")
          .replace(" CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin", "");
      for (String sql : dev.revenant.journal.internal.JournalSchema.statements(earlier)) {
        st.execute(sql);
      }
    }
    start("mariadb", Map.of(
        "revenant.journal.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/" + db,
        "revenant.journal.create-schema", "off"));
    TestKit probe = new TestKit(system);
    String base = pid();
    assertThat(write(probe, atomic(base + "-alice", 1, 3)).get(0))
        .isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    journal().tell(new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE,
        base + "-Alice", probe.getRef()), probe.getRef());
    Object answer = probe.expectMsgAnyClassOf(T, Object.class);
    assertThat(answer).isInstanceOf(JournalProtocol.ReplayMessagesFailure.class);
    assertThat(((JournalProtocol.ReplayMessagesFailure) answer).cause())
        .hasMessageContaining("[REV-E015]")
        .hasMessageContaining("[" + base + "-Alice]")
        .hasMessageContaining("[" + base + "-alice]");
    assertThat(replay(probe, base + "-alice", 1, Long.MAX_VALUE, Long.MAX_VALUE))
        .containsExactly(1L, 2L, 3L);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void concurrentWritersToDifferentEntitiesAllSucceed(String backend) throws Exception {
    start(backend);
    List<TestKit> probes = new ArrayList<>();
    List<String> pids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      TestKit probe = new TestKit(system);
      String pid = pid();
      probes.add(probe);
      pids.add(pid);
      for (long s = 1; s <= 20; s++) {
        journal().tell(new JournalProtocol.WriteMessages(
            CollectionConverters.asScala(List.<PersistentEnvelope>of(atomic(pid, s, s))).toList(),
            probe.getRef(), 1), probe.getRef());
      }
    }
    for (TestKit probe : probes) {
      for (int s = 1; s <= 20; s++) {
        probe.expectMsgClass(T, JournalProtocol.WriteMessagesSuccessful$.class);
        probe.expectMsgClass(T, JournalProtocol.WriteMessageSuccess.class);
      }
    }
    for (int i = 0; i < 10; i++) {
      assertThat(replay(probes.get(i), pids.get(i), 1, Long.MAX_VALUE, Long.MAX_VALUE)).hasSize(20);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void snapshotsAreSavedLoadedByCriteriaAndDeleted(String backend) throws Exception {
    start(backend);
    TestKit probe = new TestKit(system);
    String pid = pid();
    for (long seq : new long[] {10, 20, 30}) {
      snapshots().tell(new SnapshotProtocol.SaveSnapshot(
          SnapshotMetadata.apply(pid, seq, seq * 1000), new ContractEvent("s" + seq, seq)),
          probe.getRef());
      probe.expectMsgClass(T, akka.persistence.SaveSnapshotSuccess.class);
    }
    assertThat(load(probe, pid, SnapshotSelectionCriteria.latest())).isEqualTo(30L);
    assertThat(load(probe, pid, SnapshotSelectionCriteria.create(25, Long.MAX_VALUE))).isEqualTo(20L);
    snapshots().tell(new SnapshotProtocol.DeleteSnapshot(SnapshotMetadata.apply(pid, 30, 30_000)),
        probe.getRef());
    probe.expectMsgClass(T, akka.persistence.DeleteSnapshotSuccess.class);
    assertThat(load(probe, pid, SnapshotSelectionCriteria.latest())).isEqualTo(20L);
    snapshots().tell(new SnapshotProtocol.DeleteSnapshots(pid, SnapshotSelectionCriteria.latest()),
        probe.getRef());
    probe.expectMsgClass(T, akka.persistence.DeleteSnapshotsSuccess.class);
    assertThat(load(probe, pid, SnapshotSelectionCriteria.latest())).isEqualTo(-1L);
  }

  /** The sequence number of the snapshot loaded, checking its payload; -1 if none. */
  private long load(TestKit probe, String pid, SnapshotSelectionCriteria criteria) {
    snapshots().tell(new SnapshotProtocol.LoadSnapshot(pid, criteria, Long.MAX_VALUE), probe.getRef());
    SnapshotProtocol.LoadSnapshotResult r =
        probe.expectMsgClass(T, SnapshotProtocol.LoadSnapshotResult.class);
    if (r.snapshot().isEmpty()) {
      return -1;
    }
    SelectedSnapshot s = r.snapshot().get();
    long seq = s.metadata().sequenceNr();
    assertThat(s.snapshot()).isEqualTo(new ContractEvent("s" + seq, seq));
    return seq;
  }

  /** Skipped with a printed reason on the in-memory backend, which has no read journal. */
  private boolean noReadJournal() {
    if (backend.equals("in-memory")) {
      System.out.println("in-memory backend: no read journal; nothing to check");
      return true;
    }
    return false;
  }

  private JdbcReadJournal readJournal() {
    return PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class,
        system.settings().config().getString("revenant.journal.read-journal-plugin-id"));
  }

  /** Every element of a finite query, bounded in time. */
  private List<EventEnvelope> all(akka.stream.javadsl.Source<EventEnvelope, ?> query)
      throws Exception {
    return query.runWith(Sink.seq(), system).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /** Tagged entries (Revenant writes none; a user's own EventSourcedBehavior may) are found by tag. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void taggedEntriesAreWrittenAndFoundByTag(String backend) throws Exception {
    start(backend);
    if (noReadJournal()) {
      return;
    }
    TestKit probe = new TestKit(system);
    String pid = pid();
    String tag = "tag-" + UUID.randomUUID();
    PersistentRepr tagged = repr(pid, 2, new akka.persistence.journal.Tagged(
        new ContractEvent("e2", 2), CollectionConverters.asScala(java.util.Set.of(tag)).toSet()));
    List<Object> acks = write(probe, atomic(pid, 1, 1),
        new AtomicWrite(CollectionConverters.asScala(List.of(tagged)).toList()),
        atomic(pid, 3, 3));
    assertThat(acks.get(0)).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    assertThat(replay(probe, pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L, 2L, 3L);
    List<EventEnvelope> events =
        all(readJournal().currentEventsByTag(tag, akka.persistence.query.Offset.noOffset()));
    assertThat(events).extracting(EventEnvelope::sequenceNr).containsExactly(2L);
    assertThat(events.get(0).event()).isEqualTo(new ContractEvent("e2", 2));
  }

  private static AtomicWrite tagged(String pid, long seq, String tag) {
    return new AtomicWrite(CollectionConverters.asScala(List.of(repr(pid, seq,
        new akka.persistence.journal.Tagged(new ContractEvent("e" + seq, seq),
            CollectionConverters.asScala(java.util.Set.of(tag)).toSet())))).toList());
  }

  /** The entries (persistence id, sequence number) that have a tag row for {@code tag}. */
  private List<String> tagRows(String tag) throws Exception {
    String q = backend.equals("mariadb") ? "`" : "\"";
    List<String> rows = new ArrayList<>();
    try (java.sql.Connection c = directConnection();
        java.sql.PreparedStatement st = c.prepareStatement("SELECT j." + q + "persistence_id" + q
            + ", j." + q + "sequence_number" + q + " FROM " + q + "event_tag" + q + " t LEFT JOIN "
            + q + "event_journal" + q + " j ON j." + q + "ordering" + q + " = t." + q + "event_id"
            + q + " WHERE t." + q + "tag" + q + " = ?")) {
      st.setString(1, tag);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          String pid = rs.getString(1);
          rows.add(pid == null ? "no entry" : pid + "#" + rs.getLong(2));
        }
      }
    }
    return rows;
  }

  /**
   * Deleting entries deletes their tag rows (the schema has no cascading foreign key; the journal
   * deletes them itself), and no other entity's, although their orderings interleave.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void deletingTaggedEntriesDeletesTheirTagRowsAndNoOthers(String backend) throws Exception {
    start(backend);
    if (noReadJournal()) {
      return;
    }
    TestKit probe = new TestKit(system);
    String a = pid();
    String b = pid();
    String tag = "tag-" + UUID.randomUUID();
    List<Object> acks = write(probe, tagged(a, 1, tag), tagged(b, 1, tag), tagged(a, 2, tag),
        tagged(b, 2, tag), tagged(a, 3, tag), atomic(a, 4, 4), tagged(a, 5, tag));
    assertThat(acks.get(0)).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
    deleteTo(probe, a, 3);
    // The highest deleted entry stays, marked, with its tag row: as the plugin leaves it.
    assertThat(tagRows(tag)).containsExactlyInAnyOrder(a + "#3", a + "#5", b + "#1", b + "#2");
    assertThat(all(readJournal().currentEventsByTag(tag, akka.persistence.query.Offset.noOffset())))
        .extracting(e -> e.persistenceId() + "#" + e.sequenceNr())
        .contains(a + "#5", b + "#1", b + "#2")
        .doesNotContain(a + "#1", a + "#2");
    deleteTo(probe, a, 5);
    assertThat(tagRows(tag)).containsExactlyInAnyOrder(a + "#5", b + "#1", b + "#2");
    assertThat(replay(probe, b, 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L, 2L);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void theReadJournalListsAnEntitysEvents(String backend) throws Exception {
    start(backend);
    if (noReadJournal()) {
      return;
    }
    TestKit probe = new TestKit(system);
    String pid = pid();
    write(probe, atomic(pid, 1, 4));
    List<EventEnvelope> events =
        all(readJournal().currentEventsByPersistenceId(pid, 2, Long.MAX_VALUE));
    assertThat(events).extracting(EventEnvelope::sequenceNr).containsExactly(2L, 3L, 4L);
    assertThat(events.get(0).event()).isEqualTo(new ContractEvent("e2", 2));
  }
}
