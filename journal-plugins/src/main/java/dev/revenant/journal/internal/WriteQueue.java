package dev.revenant.journal.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Future$;
import scala.concurrent.Promise;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The journal's write queue: the rows of writes that arrive while {@code parallelism} batches
 * are being written wait here, and go out together as the next batch of at most {@code
 * batchSize} rows (a single write with more rows than that goes alone and whole), in arrival
 * order. Each write's future completes with its batch. Up to {@code bufferSize} writes wait;
 * a write beyond that fails at once, naming the setting.
 *
 * <p>It batches as akka-persistence-jdbc's {@code BaseDao.writeQueue} does (an Akka stream:
 * {@code Source.queue}, {@code batchWeighted}, {@code mapAsync(parallelism)}), without its two
 * costs per write: {@code batchWeighted} appended each write's rows to the batch so far as an
 * immutable {@code List} ({@code rows ++ newRows}), copying the whole batch for every write
 * (about 200 list cells per row at batches of 400: 1.2 GB of the 4.1 GB a 1000-entity run
 * allocated, src-test/bench-results/2026-11-27-1537-w1-mariadb-allocations.md), and each write
 * went through the stream's actor on its way in and out. One difference: {@code bufferSize}
 * counts every waiting write here, where the stream counted only those behind the batch it was
 * gathering, so the limit is reached up to a batch sooner.
 *
 * <p>A failed batch (the database closed or unreachable, a duplicate key) fails the writes in
 * it and the queue goes on with the next. Nothing is closed at shutdown: writes still waiting
 * when the dispatcher stops are never completed, as with the plugin's stream.
 */
final class WriteQueue<T> {

  /** Writes one batch in one transaction. */
  @FunctionalInterface
  interface Writer<T> {
    Future<BoxedUnit> write(List<T> rows);
  }

  private record Waiting<T>(Promise<BoxedUnit> done, Seq<T> rows, int size) {}

  private record Batch<T>(List<Promise<BoxedUnit>> done, List<T> rows) {}

  private final Writer<T> writer;
  private final int batchSize;
  private final int parallelism;
  private final int bufferSize;
  private final String bufferSetting;
  private final ExecutionContext ec;
  private final ArrayDeque<Waiting<T>> waiting = new ArrayDeque<>();
  /** Batches being written; guarded by {@code this}. */
  private int inFlight;

  /**
   * @param bufferSetting the setting that sets {@code bufferSize}, named when a write is refused
   * @param ec where a finished batch completes its writes and starts the next batch; it must
   *     not run tasks on the calling thread, or a writer whose futures are already complete
   *     would write batch after batch in one deepening call stack
   */
  WriteQueue(Writer<T> writer, int batchSize, int parallelism, int bufferSize,
      String bufferSetting, ExecutionContext ec) {
    if (batchSize < 1 || parallelism < 1 || bufferSize < 1) {
      throw new IllegalArgumentException("the journal's batchSize [" + batchSize
          + "], parallelism [" + parallelism + "] and bufferSize [" + bufferSize
          + "] must each be at least 1");
    }
    this.writer = writer;
    this.batchSize = batchSize;
    this.parallelism = parallelism;
    this.bufferSize = bufferSize;
    this.bufferSetting = bufferSetting;
    this.ec = ec;
  }

  /** Queues one write's rows; the future completes when the batch they joined is written. */
  Future<BoxedUnit> offer(Seq<T> rows) {
    Promise<BoxedUnit> done = Promise.apply();
    int size = rows.size();
    Batch<T> start;
    synchronized (this) {
      if (waiting.size() >= bufferSize) {
        return Future$.MODULE$.failed(new IllegalStateException(
            "the journal's write queue is full: [" + waiting.size() + "] writes are waiting"
                + " for a batch; this write of [" + size + "] entries is refused. Raise "
                + bufferSetting + " if this many entities write at once"));
      }
      waiting.addLast(new Waiting<>(done, rows, size));
      start = inFlight < parallelism ? take() : null;
    }
    if (start != null) {
      write(start);
    }
    return done.future();
  }

  /** The next batch, counted in flight, or null if nothing waits. Called holding the lock. */
  private Batch<T> take() {
    if (waiting.isEmpty()) {
      return null;
    }
    List<Promise<BoxedUnit>> done = new ArrayList<>();
    List<T> rows = new ArrayList<>(Math.min(batchSize, 1024));
    while (!waiting.isEmpty()) {
      Waiting<T> next = waiting.peekFirst();
      if (!done.isEmpty() && rows.size() + next.size() > batchSize) {
        break;
      }
      waiting.pollFirst();
      done.add(next.done());
      for (Iterator<T> it = next.rows().iterator(); it.hasNext(); ) {
        rows.add(it.next());
      }
    }
    inFlight++;
    return new Batch<>(done, rows);
  }

  private void write(Batch<T> batch) {
    Future<BoxedUnit> written;
    try {
      written = writer.write(batch.rows());
      if (written == null) {
        throw new IllegalStateException("the journal's writer returned no future");
      }
    } catch (Throwable e) {
      // Whatever the writer throws fails this batch only; the queue goes on with the next,
      // from the executor rather than deeper in this call stack.
      Try<BoxedUnit> failure = new scala.util.Failure<>(e);
      ec.execute(() -> finished(batch, failure));
      if (!scala.util.control.NonFatal$.MODULE$.apply(e)) {
        throw e;
      }
      return;
    }
    written.onComplete(result -> {
      finished(batch, result);
      return BoxedUnit.UNIT;
    }, ec);
  }

  private void finished(Batch<T> batch, Try<BoxedUnit> result) {
    Batch<T> next;
    synchronized (this) {
      inFlight--;
      next = take();
    }
    try {
      for (Promise<BoxedUnit> done : batch.done()) {
        done.tryComplete(result);
      }
    } finally {
      if (next != null) {
        write(next);
      }
    }
  }
}
