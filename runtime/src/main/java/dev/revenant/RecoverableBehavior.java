package dev.revenant;

import akka.actor.typed.Behavior;
import akka.actor.typed.ActorRef;
import dev.revenant.internal.EntityDefinition;
import dev.revenant.internal.IdempotencyRule;
import dev.revenant.internal.RecoverableEntity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A validated recoverable actor definition; {@link #create} makes the behaviour of one entity.
 *
 * @param <M> the message type
 * @param <S> the state type
 */
public final class RecoverableBehavior<M, S> {
  private static final Pattern ENTITY_ID = Pattern.compile("[^|\\p{Cntrl}]{1,200}");

  private final EntityDefinition<M, S> definition;

  private RecoverableBehavior(EntityDefinition<M, S> definition) {
    this.definition = definition;
  }

  /** The entity type name this definition was given. */
  public String entityType() {
    return definition.entityType();
  }

  /** The message type this definition handles. */
  public Class<M> messageType() {
    return definition.messageType();
  }

  /** The address of entity {@code entityId}, for {@link RecoverableContext#deliver}. */
  public EntityAddress<M> address(String entityId) {
    checkEntityId(entityId);
    return new EntityAddress<>(
        definition.entityType(), definition.messageType().getName(), entityId);
  }

  /** The persistence id an entity's messages and snapshots are stored under. */
  public String persistenceId(String entityId) {
    checkEntityId(entityId);
    return definition.persistenceId(entityId);
  }

  /**
   * The behaviour of the entity {@code entityId}: an ordinary Akka behaviour to spawn. Spawn at
   * most one live entity per id and journal at a time; it recovers its state when it starts.
   *
   * @param entityId 1–200 characters, no {@code |} and no control characters
   */
  public Behavior<M> create(String entityId) {
    checkEntityId(entityId);
    return RecoverableEntity.create(definition, entityId);
  }

  private void checkEntityId(String entityId) {
    if (entityId == null || !ENTITY_ID.matcher(entityId).matches()) {
      throw new IllegalArgumentException(
          "[REV-E000] entity id of type [" + definition.entityType()
              + "] must be 1-200 characters without '|' or control characters, was [" + entityId
              + "]");
    }
  }

  /** Collects handlers and options; {@link #build()} checks them. */
  public static final class Builder<M, S> {
    private final String entityType;
    private final Class<M> messageType;
    private final S initialState;
    private final Map<Class<?>, MessageHandler<M, S, ? extends M>> handlers =
        new LinkedHashMap<>();
    private Optional<CheckpointPolicy> checkpointPolicy = Optional.empty();
    private final Map<Class<?>, IdempotencyRule> idempotency = new LinkedHashMap<>();

    Builder(String entityType, Class<M> messageType, S initialState) {
      this.entityType = entityType;
      this.messageType = messageType;
      this.initialState = initialState;
    }

    /**
     * Registers the handler of one message class (or of a sealed sub-interface, covering all its
     * classes). A class may have one handler only.
     */
    public <T extends M> Builder<M, S> on(Class<T> messageClass, MessageHandler<M, S, T> handler) {
      Objects.requireNonNull(messageClass, "messageClass");
      Objects.requireNonNull(handler, "handler for [" + messageClass.getName() + "]");
      if (handlers.putIfAbsent(messageClass, handler) != null) {
        throw new IllegalArgumentException(
            "[REV-E001] entity type [" + entityType + "] already has a handler for ["
                + messageClass.getName() + "]");
      }
      return this;
    }

    /**
     * Makes requests of {@code messageClass} idempotent: the first one with a given key is
     * handled; a repeat within the retention window ({@code revenant.idempotency.*}: the newest
     * keys by count and age) is not handled again but answered, at {@code replyTo}, with the
     * answer the first one got (its first reply to its own {@code replyTo}), across crashes and
     * fail-over. A message whose key is null is handled normally.
     */
    @SuppressWarnings("unchecked")
    public <T extends M, R> Builder<M, S> idempotent(
        Class<T> messageClass,
        Function<? super T, String> key,
        Function<? super T, ActorRef<R>> replyTo) {
      Objects.requireNonNull(messageClass, "messageClass");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(replyTo, "replyTo");
      if (idempotency.putIfAbsent(messageClass, new IdempotencyRule(
          m -> key.apply((T) m), m -> replyTo.apply((T) m))) != null) {
        throw new IllegalArgumentException("[REV-E001] entity type [" + entityType
            + "] already has an idempotency rule for [" + messageClass.getName() + "]");
      }
      return this;
    }

    /** Sets the checkpoint policy; without it, {@code revenant.checkpoint.*} applies. */
    public Builder<M, S> checkpoint(CheckpointPolicy policy) {
      this.checkpointPolicy = Optional.of(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Checks the definition: every concrete message class (all permitted subclasses of a sealed
     * message type, recursively) has a handler. Fails naming the classes that have none.
     */
    public RecoverableBehavior<M, S> build() {
      List<String> missing = new ArrayList<>();
      for (Class<?> leaf : leaves(messageType)) {
        if (handlers.keySet().stream().noneMatch(h -> h.isAssignableFrom(leaf))) {
          missing.add(leaf.getName());
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "[REV-E001] entity type [" + entityType + "] has no handler for message classes "
                + missing + "; register one with .on(Class, handler) for each");
      }
      return new RecoverableBehavior<>(
          new EntityDefinition<>(
              entityType, messageType, initialState, handlers, checkpointPolicy, idempotency));
    }

    /** The concrete classes of a message type: a sealed type's permitted subclasses, recursively. */
    private static List<Class<?>> leaves(Class<?> type) {
      if (!type.isSealed()) {
        return List.of(type);
      }
      List<Class<?>> out = new ArrayList<>();
      for (Class<?> sub : type.getPermittedSubclasses()) {
        out.addAll(leaves(sub));
      }
      return out;
    }
  }
}
