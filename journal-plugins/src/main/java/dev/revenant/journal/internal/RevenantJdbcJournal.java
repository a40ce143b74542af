package dev.revenant.journal.internal;

import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import com.typesafe.config.Config;
import java.util.concurrent.ConcurrentHashMap;
import scala.collection.immutable.Seq;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * akka-persistence-jdbc's journal with replays read by {@link RevenantJournalDao#replay} instead
 * of through an Akka stream: the same entries in the same order, with less work per entry (see
 * there), and writes built by {@link RevenantJournalDao#writeMessages} (the same rows, with less
 * work per write). Deletes and the highest sequence number go through the configured DAO as in
 * the plugin (a {@link RevenantJournalDao} queues writes in its own {@link WriteQueue}).
 * Selected by {@code class} in the journal plugins' configuration (reference.conf); with a DAO
 * that is not a {@link RevenantJournalDao} it replays and writes as the plugin.
 */
public final class RevenantJdbcJournal extends JdbcAsyncWriteJournal {
  /**
   * The last write of each entity still in progress, as the plugin keeps them: a highest
   * sequence number asked for meanwhile (a restarted entity's recovery) is read after it. The
   * plugin removes an entry by a message to this actor when the write completes; here the
   * completion removes it, so a write costs the journal no second message.
   */
  private final ConcurrentHashMap<String, Future<?>> writing = new ConcurrentHashMap<>();

  public RevenantJdbcJournal(Config config) {
    super(config);
  }

  /** As the plugin writes (see {@link RevenantJournalDao#writeMessages}). */
  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    if (!(journalDao() instanceof RevenantJournalDao dao)) {
      return super.asyncWriteMessages(messages);
    }
    Future<Seq<Try<BoxedUnit>>> written =
        dao.writeMessages(messages, System.currentTimeMillis());
    String persistenceId = messages.head().persistenceId();
    writing.put(persistenceId, written);
    written.onComplete(done -> writing.remove(persistenceId, written),
        scala.concurrent.ExecutionContext.parasitic$.MODULE$);
    return written;
  }

  @Override
  public Future<Object> asyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    if (!(journalDao() instanceof RevenantJournalDao)) {
      return super.asyncReadHighestSequenceNr(persistenceId, fromSequenceNr);
    }
    Future<?> inProgress = writing.get(persistenceId);
    if (inProgress == null) {
      return journalDao().highestSequenceNr(persistenceId, fromSequenceNr);
    }
    // After the write, whether it succeeded or failed.
    return inProgress.transformWith(
        done -> journalDao().highestSequenceNr(persistenceId, fromSequenceNr), ec());
  }

  @Override
  public Future<BoxedUnit> asyncReplayMessages(String persistenceId, long fromSequenceNr,
      long toSequenceNr, long max, scala.Function1<PersistentRepr, BoxedUnit> recoveryCallback) {
    if (journalDao() instanceof RevenantJournalDao dao) {
      return dao.replay(persistenceId, fromSequenceNr, toSequenceNr, max,
          journalConfig().daoConfig().replayBatchSize(), recoveryCallback);
    }
    return super.asyncReplayMessages(
        persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback);
  }
}
