package dev.revenant;

/**
 * The address of a recoverable entity anywhere in the cluster: entity type, message class and
 * id. Get one from {@link RecoverableBehavior#address(String)}; send to it with
 * {@link RecoverableContext#deliver} for an exactly-once effect. Serializable, so it can be kept
 * in state and in messages.
 *
 * @param <M> the entity's message type
 */
public record EntityAddress<M>(String entityType, String messageClass, String entityId)
    implements JournalSerializable {

  /** The persistence id of the entity at this address. */
  public String persistenceId() {
    return entityType + "|" + entityId;
  }
}
