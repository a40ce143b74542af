package dev.revenant.internal;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * The state Akka persists in snapshots: the user's state plus the runtime's bookkeeping.
 *
 * @param user the user's state
 * @param sequenceNr sequence number of the last message applied (equals Akka's, since every
 *     journal event of an entity is a {@link MessageEnvelope})
 * @param timers durable timers by key, still to fire
 * @param channels exactly-once and idempotency bookkeeping
 */
public record EntityState(
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object user,
    long sequenceNr,
    Map<String, PendingTimer> timers,
    Channels channels)
    implements InternalSerializable {

  public EntityState {
    timers = Map.copyOf(timers);
    if (channels == null) {
      channels = Channels.EMPTY;
    }
  }

  static EntityState initial(Object user) {
    return new EntityState(user, 0L, Map.of(), Channels.EMPTY);
  }
}
