package dev.revenant.journal.internal;

import akka.dispatch.Futures;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotSelectionCriteria;
import akka.persistence.snapshot.japi.SnapshotStore;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import scala.concurrent.Future;

/**
 * The snapshot store of the {@code in-memory} backend: snapshots kept serialized in memory,
 * shared by the actor systems of the JVM, like {@link dev.revenant.journal.InMemoryJournal}.
 */
public final class InMemorySnapshotStore extends SnapshotStore {
  private record Stored(SnapshotMetadata metadata, byte[] bytes, int serializerId, String manifest) {}

  private static final Map<String, List<Stored>> SNAPSHOTS = new ConcurrentHashMap<>();

  private final Serialization serialization = SerializationExtension.get(context().system());

  /** Forgets every snapshot. */
  public static void clear() {
    SNAPSHOTS.clear();
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    Optional<SelectedSnapshot> best = Optional.empty();
    for (Stored s : snapshots(persistenceId)) {
      if (matches(s.metadata(), criteria)) {
        Object state =
            serialization.deserialize(s.bytes(), s.serializerId(), s.manifest()).get();
        best = Optional.of(SelectedSnapshot.create(s.metadata(), state));
      }
    }
    return Futures.successful(best);
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    Serializer serializer = serialization.findSerializerFor(snapshot);
    byte[] bytes = serialization.serialize(snapshot).get();
    List<Stored> list = SNAPSHOTS.computeIfAbsent(metadata.persistenceId(), k -> new ArrayList<>());
    synchronized (list) {
      list.removeIf(s -> s.metadata().sequenceNr() == metadata.sequenceNr());
      list.add(new Stored(metadata, bytes, serializer.identifier(),
          Serializers.manifestFor(serializer, snapshot)));
      list.sort((a, b) -> Long.compare(a.metadata().sequenceNr(), b.metadata().sequenceNr()));
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    List<Stored> list = SNAPSHOTS.get(metadata.persistenceId());
    if (list != null) {
      synchronized (list) {
        list.removeIf(s -> s.metadata().sequenceNr() == metadata.sequenceNr());
      }
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    List<Stored> list = SNAPSHOTS.get(persistenceId);
    if (list != null) {
      synchronized (list) {
        list.removeIf(s -> matches(s.metadata(), criteria));
      }
    }
    return Futures.successful(null);
  }

  private static List<Stored> snapshots(String persistenceId) {
    List<Stored> list = SNAPSHOTS.getOrDefault(persistenceId, List.of());
    synchronized (list) {
      return new ArrayList<>(list);
    }
  }

  private static boolean matches(SnapshotMetadata m, SnapshotSelectionCriteria c) {
    return m.sequenceNr() <= c.maxSequenceNr() && m.timestamp() <= c.maxTimestamp()
        && m.sequenceNr() >= c.minSequenceNr() && m.timestamp() >= c.minTimestamp();
  }
}
