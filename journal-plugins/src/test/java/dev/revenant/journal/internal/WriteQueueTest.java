package dev.revenant.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.runtime.BoxedUnit;

/** The journal's write queue: which writes go out together, and what each write's future says. */
class WriteQueueTest {

  /** A writer whose batches finish when the test says. Runs everything on the test's thread. */
  private static final class Writes implements WriteQueue.Writer<String> {
    final List<List<String>> batches = new ArrayList<>();
    final List<Promise<BoxedUnit>> results = new ArrayList<>();
    RuntimeException throwNext;

    @Override
    public Future<BoxedUnit> write(List<String> rows) {
      if (throwNext != null) {
        RuntimeException e = throwNext;
        throwNext = null;
        throw e;
      }
      batches.add(List.copyOf(rows));
      Promise<BoxedUnit> p = Promise.apply();
      results.add(p);
      return p.future();
    }

    void succeed(int batch) {
      results.get(batch).success(BoxedUnit.UNIT);
    }

    void fail(int batch, String why) {
      results.get(batch).failure(new IllegalStateException(why));
    }
  }

  // On the test's thread, so each step is seen at once. The writers here never return a future
  // that is already complete, so batches do not nest (WriteQueue's constructor says why).
  private static final ExecutionContext SAME_THREAD = ExecutionContext.fromExecutor(Runnable::run);

  private static scala.collection.immutable.Seq<String> rows(String... r) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(r)).toList();
  }

  private static WriteQueue<String> queue(Writes w, int batchSize, int parallelism, int buffer) {
    return new WriteQueue<>(w, batchSize, parallelism, buffer, "test.buffer-setting", SAME_THREAD);
  }

  @Test
  void writesThatWaitGoOutTogetherInArrivalOrderUpToBatchSizeRows() {
    Writes w = new Writes();
    WriteQueue<String> q = queue(w, 3, 1, 100);
    Future<BoxedUnit> a = q.offer(rows("a1"));
    Future<BoxedUnit> b = q.offer(rows("b1"));
    Future<BoxedUnit> c = q.offer(rows("c1"));
    Future<BoxedUnit> d = q.offer(rows("d1", "d2"));
    Future<BoxedUnit> e = q.offer(rows("e1"));
    // Nothing was in flight: the first write went out alone, at once.
    assertThat(w.batches).containsExactly(List.of("a1"));
    assertThat(a.isCompleted()).isFalse();

    w.succeed(0);
    assertThat(a.value().get().isSuccess()).isTrue();
    // b and c fill two of three rows; d's two rows would make four, so d waits.
    assertThat(w.batches.get(1)).containsExactly("b1", "c1");
    assertThat(b.isCompleted()).isFalse();

    w.succeed(1);
    assertThat(b.value().get().isSuccess()).isTrue();
    assertThat(c.value().get().isSuccess()).isTrue();
    assertThat(w.batches.get(2)).containsExactly("d1", "d2", "e1");
    assertThat(d.isCompleted()).isFalse();
    w.succeed(2);
    assertThat(d.value().get().isSuccess()).isTrue();
    assertThat(e.value().get().isSuccess()).isTrue();
    assertThat(w.batches).hasSize(3);
  }

  @Test
  void aWriteWithMoreRowsThanBatchSizeGoesAloneAndWhole() {
    Writes w = new Writes();
    WriteQueue<String> q = queue(w, 2, 1, 100);
    q.offer(rows("a1"));
    q.offer(rows("b1", "b2", "b3", "b4"));
    q.offer(rows("c1"));
    w.succeed(0);
    assertThat(w.batches.get(1)).containsExactly("b1", "b2", "b3", "b4");
    w.succeed(1);
    assertThat(w.batches.get(2)).containsExactly("c1");
  }

  @Test
  void upToParallelismBatchesAreWrittenAtOnce() {
    Writes w = new Writes();
    WriteQueue<String> q = queue(w, 10, 2, 100);
    q.offer(rows("a1"));
    q.offer(rows("b1"));
    q.offer(rows("c1"));
    q.offer(rows("d1"));
    assertThat(w.batches).containsExactly(List.of("a1"), List.of("b1"));
    // The second batch finishing first frees a slot just the same.
    w.succeed(1);
    assertThat(w.batches.get(2)).containsExactly("c1", "d1");
    // Two in flight again (the first and the third): a new write waits.
    q.offer(rows("e1"));
    assertThat(w.batches).hasSize(3);
    w.succeed(0);
    assertThat(w.batches.get(3)).containsExactly("e1");
  }

  @Test
  void aLargeWriteBehindASmallWaitingOneWaitsForTheNextBatch() {
    Writes w = new Writes();
    WriteQueue<String> q = queue(w, 3, 1, 100);
    q.offer(rows("a1"));
    q.offer(rows("b1"));
    q.offer(rows("c1", "c2", "c3", "c4"));
    w.succeed(0);
    assertThat(w.batches.get(1)).containsExactly("b1");
    w.succeed(1);
    assertThat(w.batches.get(2)).containsExactly("c1", "c2", "c3", "c4");
  }

  @Test
  void aFailedBatchFailsItsOwnWritesWithItsErrorAndTheQueueGoesOn() {
    Writes w = new Writes();
    WriteQueue<String> q = queue(w, 10, 1, 100);
    Future<BoxedUnit> a = q.offer(rows("a1"));
    Future<BoxedUnit> b = q.offer(rows("b1"));
    Future<BoxedUnit> c = q.offer(rows("c1"));
    w.fail(0, "duplicate key of a1");
    assertThat(a.value().get().failed().get()).hasMessage("duplicate key of a1");
    assertThat(w.batches.get(1)).containsExactly("b1", "c1");
    w.fail(1, "connection lost");
    assertThat(b.value().get().failed().get()).hasMessage("connection lost");
    assertThat(c.value().get().failed().get()).hasMessage("connection lost");
    Future<BoxedUnit> d = q.offer(rows("d1"));
    w.succeed(2);
    assertThat(d.value().get().isSuccess()).isTrue();
  }

  @Test
  void aWriterThatThrowsFailsThatBatchOnly() {
    Writes w = new Writes();
    WriteQueue<String> q = queue(w, 10, 1, 100);
    q.offer(rows("a1"));
    Future<BoxedUnit> b = q.offer(rows("b1"));
    Future<BoxedUnit> c = q.offer(rows("c1"));
    w.throwNext = new IllegalArgumentException("cannot prepare the insert");
    w.succeed(0); // the batch of b and c is written next, and the writer throws
    assertThat(b.value().get().failed().get()).hasMessage("cannot prepare the insert");
    assertThat(c.value().get().failed().get()).hasMessage("cannot prepare the insert");
    Future<BoxedUnit> d = q.offer(rows("d1"));
    assertThat(w.batches).containsExactly(List.of("a1"), List.of("d1"));
    w.succeed(1);
    assertThat(d.value().get().isSuccess()).isTrue();
  }

  @Test
  void writersOnManyThreadsAllCompleteWithNoMoreThanParallelismBatchesInFlight()
      throws Exception {
    int threads = 8;
    int perThread = 2_000;
    int parallelism = 3;
    ExecutorService db = Executors.newFixedThreadPool(4);
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    ConcurrentLinkedQueue<List<String>> batches = new ConcurrentLinkedQueue<>();
    WriteQueue.Writer<String> writer = batch -> {
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      Promise<BoxedUnit> p = Promise.apply();
      db.execute(() -> {
        batches.add(List.copyOf(batch));
        inFlight.decrementAndGet();
        p.success(BoxedUnit.UNIT);
      });
      return p.future();
    };
    try {
      WriteQueue<String> q = new WriteQueue<>(writer, 50, parallelism, 100_000, "test",
          ExecutionContext.fromExecutor(db));
      List<java.util.concurrent.Future<List<Future<BoxedUnit>>>> submitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        submitted.add(callers.submit(() -> {
          List<Future<BoxedUnit>> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            mine.add(q.offer(rows(thread + "-" + i)));
          }
          return mine;
        }));
      }
      for (java.util.concurrent.Future<List<Future<BoxedUnit>>> s : submitted) {
        for (Future<BoxedUnit> f : s.get(30, TimeUnit.SECONDS)) {
          scala.concurrent.Await.result(f, scala.concurrent.duration.Duration.create(30, "s"));
        }
      }
      List<String> written = batches.stream().flatMap(List::stream).toList();
      assertThat(written).hasSize(threads * perThread).doesNotHaveDuplicates();
      assertThat(mostInFlight.get()).isBetween(1, parallelism);
      assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 50));
      // Within a batch, each thread's writes are in the order it offered them. (Batches in
      // flight together may finish in any order, as with the plugin: Akka Persistence sends an
      // entity's next write only after the last one finished.)
      for (List<String> b : batches) {
        for (int t = 0; t < threads; t++) {
          String prefix = t + "-";
          assertThat(b.stream().filter(r -> r.startsWith(prefix))
                  .mapToInt(r -> Integer.parseInt(r.substring(prefix.length()))))
              .isSorted();
        }
      }
    } finally {
      callers.shutdownNow();
      db.shutdownNow();
    }
  }

  @Test
  void aWriteBeyondBufferSizeIsRefusedByNameAndTheWaitingWritesAreStillWritten() {
    Writes w = new Writes();
    WriteQueue<String> q = queue(w, 10, 1, 2);
    Future<BoxedUnit> a = q.offer(rows("a1"));
    Future<BoxedUnit> b = q.offer(rows("b1"));
    Future<BoxedUnit> c = q.offer(rows("c1"));
    Future<BoxedUnit> refused = q.offer(rows("d1", "d2"));
    assertThat(refused.value().get().failed().get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("write queue is full")
        .hasMessageContaining("[2] writes are waiting")
        .hasMessageContaining("test.buffer-setting")
        .hasMessageContaining("[2] entries");
    w.succeed(0);
    w.succeed(1);
    assertThat(w.batches).containsExactly(List.of("a1"), List.of("b1", "c1"));
    assertThat(a.value().get().isSuccess()).isTrue();
    assertThat(b.value().get().isSuccess()).isTrue();
    assertThat(c.value().get().isSuccess()).isTrue();
    // Room again: the next write is taken.
    Future<BoxedUnit> e = q.offer(rows("e1"));
    w.succeed(2);
    assertThat(e.value().get().isSuccess()).isTrue();
  }

  @Test
  void settingsBelowOneAreRefusedByName() {
    assertThatThrownBy(() -> queue(new Writes(), 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize [0]");
  }
}
