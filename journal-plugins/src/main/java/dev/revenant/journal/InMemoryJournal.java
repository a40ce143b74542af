package dev.revenant.journal;

import akka.dispatch.Futures;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.japi.AsyncWriteJournal;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal of the {@code in-memory} backend, for unit tests: events are kept serialized in
 * memory, shared by every actor system of the JVM (so a new actor system sees what an earlier
 * one wrote, as after a restart) and lost when the JVM exits. Payloads make a real round trip
 * through Akka serialization, so what cannot be written to a real journal fails here too.
 *
 * <p>For fault tests it counts atomic writes (journal round trips) per persistence id and fails
 * the next writes of a persistence id on demand.
 */
public final class InMemoryJournal extends AsyncWriteJournal {
  private record Stored(byte[] bytes, int serializerId, String manifest, String writer) {}

  private static final Map<String, List<Object[]>> EVENTS = new ConcurrentHashMap<>();
  private static final Map<String, Long> HIGHEST = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> WRITES = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> FAIL_NEXT = new ConcurrentHashMap<>();

  private final Serialization serialization = SerializationExtension.get(context().system());

  /** Atomic writes (journal round trips) made for this persistence id so far. */
  public static int writes(String persistenceId) {
    AtomicInteger n = WRITES.get(persistenceId);
    return n == null ? 0 : n.get();
  }

  /** Number of events stored (not deleted) for this persistence id. */
  public static int storedEvents(String persistenceId) {
    List<Object[]> l = EVENTS.get(persistenceId);
    return l == null ? 0 : l.size();
  }

  /** The stored payloads, deserialized, in sequence order. */
  public static List<Object> storedPayloads(akka.actor.ActorSystem system, String persistenceId) {
    Serialization ser = SerializationExtension.get(system);
    List<Object> out = new ArrayList<>();
    for (Object[] e : EVENTS.getOrDefault(persistenceId, List.of())) {
      Stored s = (Stored) e[1];
      out.add(ser.deserialize(s.bytes(), s.serializerId(), s.manifest()).get());
    }
    return out;
  }

  /** The next {@code n} writes for this persistence id fail. */
  public static void failNextWrites(String persistenceId, int n) {
    FAIL_NEXT.computeIfAbsent(persistenceId, k -> new AtomicInteger()).set(n);
  }

  /** Fault tests: loses one stored event, as damaged storage would. */
  public static void loseEvent(String persistenceId, long sequenceNr) {
    List<Object[]> list = EVENTS.get(persistenceId);
    if (list != null) {
      list.removeIf(e -> (long) e[0] == sequenceNr);
    }
  }

  /**
   * Fault tests: replaces one stored event's bytes, as damaged storage would, and returns the
   * bytes it had (null if there is no such event); {@code restore} puts them back.
   */
  public static byte[] damageEvent(String persistenceId, long sequenceNr, byte[] bytes) {
    for (Object[] e : EVENTS.getOrDefault(persistenceId, List.of())) {
      if ((long) e[0] == sequenceNr) {
        Stored s = (Stored) e[1];
        e[1] = new Stored(bytes, s.serializerId(), s.manifest(), s.writer());
        return s.bytes();
      }
    }
    return null;
  }

  /** Forgets every event, counter and injected failure. */
  public static void clear() {
    EVENTS.clear();
    HIGHEST.clear();
    WRITES.clear();
    FAIL_NEXT.clear();
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    for (AtomicWrite write : messages) {
      String pid = write.persistenceId();
      WRITES.computeIfAbsent(pid, k -> new AtomicInteger()).incrementAndGet();
      AtomicInteger fail = FAIL_NEXT.get(pid);
      if (fail != null && fail.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
        return Futures.failed(new IllegalStateException("injected journal write failure for [" + pid + "]"));
      }
      long highest = HIGHEST.getOrDefault(pid, 0L);
      if (write.lowestSequenceNr() <= highest) {
        // What a database's (persistence id, sequence number) key does: refuse a second writer.
        return Futures.failed(new IllegalStateException(
            "duplicate key: [" + pid + "] already has sequence numbers up to [" + highest
                + "], write starts at [" + write.lowestSequenceNr() + "]"));
      }
      List<Object[]> batch = new ArrayList<>();
      try {
        for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
          Object payload = repr.payload();
          Serializer serializer = serialization.findSerializerFor(payload);
          byte[] bytes = serialization.serialize(payload).get();
          batch.add(new Object[] {repr.sequenceNr(), new Stored(bytes, serializer.identifier(),
              Serializers.manifestFor(serializer, payload), repr.writerUuid()), repr});
        }
      } catch (Exception e) {
        context().system().log().warning("in-memory journal rejects a write for [{}]: {}", pid, e);
        results.add(Optional.of(e)); // rejected: nothing of this atomic write is stored
        continue;
      }
      List<Object[]> list = EVENTS.computeIfAbsent(pid, k -> new CopyOnWriteArrayList<>());
      list.addAll(batch);
      HIGHEST.merge(pid, write.highestSequenceNr(), Math::max);
      results.add(Optional.empty());
    }
    return Futures.successful(results);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    List<Object[]> list = EVENTS.get(persistenceId);
    if (list != null) {
      list.removeIf(e -> (long) e[0] <= toSequenceNr);
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId, long from, long to, long max, Consumer<PersistentRepr> callback) {
    long n = 0;
    for (Object[] e : EVENTS.getOrDefault(persistenceId, List.of())) {
      long seq = (long) e[0];
      if (seq >= from && seq <= to && n < max) {
        Stored s = (Stored) e[1];
        Object payload = serialization.deserialize(s.bytes(), s.serializerId(), s.manifest()).get();
        callback.accept(((PersistentRepr) e[2]).withPayload(payload));
        n++;
      }
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long from) {
    return Futures.successful(HIGHEST.getOrDefault(persistenceId, 0L));
  }
}
