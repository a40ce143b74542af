package dev.revenant.internal;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.revenant.EntityAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The runtime's exactly-once and idempotency bookkeeping, part of the recoverable state (and so
 * of snapshots), rebuilt by replay like the user's state.
 *
 * @param received per sending entity (persistence id): the highest delivery sequence number
 *     applied; everything up to it was applied exactly once (O(1) per sender)
 * @param outbox per target entity (persistence id): deliveries not confirmed yet
 * @param answered per idempotency key: the answer first given, for repeats; bounded by count and
 *     age (see {@code revenant.idempotency})
 */
public record Channels(
    Map<String, Long> received, Map<String, Outbox> outbox, Map<String, Answer> answered)
    implements InternalSerializable {

  static final Channels EMPTY = new Channels(Map.of(), Map.of(), Map.of());

  public Channels {
    received = Map.copyOf(received);
    outbox = Map.copyOf(outbox);
    // Insertion order (oldest first) matters and is kept; not copied, since it is replaced,
    // never changed, by MessageStep (Map.copyOf would lose the order).
  }

  /**
   * Deliveries to one target that it has not confirmed yet, in sequence order.
   *
   * @param lastSeq the last sequence number given out on this channel
   */
  public record Outbox(EntityAddress<?> target, long lastSeq, List<Unconfirmed> unconfirmed)
      implements InternalSerializable {
    public Outbox {
      unconfirmed = List.copyOf(unconfirmed);
    }

    Outbox append(Object message) {
      List<Unconfirmed> l = new ArrayList<>(unconfirmed);
      l.add(new Unconfirmed(lastSeq + 1, message));
      return new Outbox(target, lastSeq + 1, l);
    }

    Outbox confirmUpTo(long seq) {
      List<Unconfirmed> l = new ArrayList<>();
      for (Unconfirmed u : unconfirmed) {
        if (u.seq() > seq) {
          l.add(u);
        }
      }
      return new Outbox(target, lastSeq, l);
    }
  }

  /** One delivery awaiting its confirmation. */
  public record Unconfirmed(long seq, @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object message)
      implements InternalSerializable {}

  /** The answer given to the first request with an idempotency key, and when. */
  public record Answer(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object reply, long atMillis)
      implements InternalSerializable {}
}
