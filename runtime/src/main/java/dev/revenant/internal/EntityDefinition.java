package dev.revenant.internal;

import dev.revenant.CheckpointPolicy;
import dev.revenant.MessageHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Everything {@code build()} validated about one recoverable actor: immutable and shared by all
 * of its entities.
 */
public final class EntityDefinition<M, S> {
  private final String entityType;
  private final Class<M> messageType;
  private final S initialState;
  private final Map<Class<?>, MessageHandler<M, S, ? extends M>> handlers;
  private final Optional<CheckpointPolicy> checkpointPolicy;
  private final Map<Class<?>, IdempotencyRule> idempotency;
  private final AtomicBoolean initialStateChecked = new AtomicBoolean();
  /**
   * What every message needs of its class, computed once per class. Class.isInstance and
   * isAssignableFrom against an interface go through the class's one-entry cache of its
   * interfaces, which on JDK 17 two checks against different interfaces evict by turns, with a
   * shared write each time (JDK-8180450). In the W1 profile the message-type check had 3 % of
   * the entity's samples before and under 2 % after; much of what is left is the first read of
   * a message sent from another thread.
   */
  private final ClassValue<ClassFacts<M, S>> facts = new ClassValue<>() {
    @Override
    protected ClassFacts<M, S> computeValue(Class<?> c) {
      return new ClassFacts<>(messageType.isAssignableFrom(c), lookup(c), idempotencyRule(c));
    }
  };

  /** Per message class: one of this actor's messages?, its handler, its idempotency rule. */
  private record ClassFacts<M, S>(
      boolean isMessage, MessageHandler<M, S, ? extends M> handler, IdempotencyRule rule) {}

  /**
   * @param handlers by message class, in registration order
   * @param checkpointPolicy empty: use {@code revenant.checkpoint.*} from the configuration
   * @param idempotency by message class
   */
  public EntityDefinition(
      String entityType,
      Class<M> messageType,
      S initialState,
      Map<Class<?>, MessageHandler<M, S, ? extends M>> handlers,
      Optional<CheckpointPolicy> checkpointPolicy,
      Map<Class<?>, IdempotencyRule> idempotency) {
    this.entityType = entityType;
    this.messageType = messageType;
    this.initialState = initialState;
    this.handlers = new LinkedHashMap<>(handlers);
    this.checkpointPolicy = checkpointPolicy;
    this.idempotency = new LinkedHashMap<>(idempotency);
  }

  /** The idempotency rule for a message's class, or null. */
  public IdempotencyRule idempotencyFor(Class<?> messageClass) {
    return facts.get(messageClass).rule();
  }

  private IdempotencyRule idempotencyRule(Class<?> c) {
    for (Map.Entry<Class<?>, IdempotencyRule> e : idempotency.entrySet()) {
      if (e.getKey().isAssignableFrom(c)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Whether a (non-null) message is one of this actor's messages. */
  public boolean isMessage(Object message) {
    return facts.get(message.getClass()).isMessage();
  }

  public String entityType() {
    return entityType;
  }

  public Class<M> messageType() {
    return messageType;
  }

  public S initialState() {
    return initialState;
  }

  public Optional<CheckpointPolicy> checkpointPolicy() {
    return checkpointPolicy;
  }

  /** True the first time only: the first entity to start checks the initial state. */
  boolean claimInitialStateCheck() {
    return initialStateChecked.compareAndSet(false, true);
  }

  /** The persistence id of one entity: {@code <entity type>|<entity id>}. */
  public String persistenceId(String entityId) {
    return entityType + "|" + entityId;
  }

  /**
   * The handler for a message's class: the one registered for the class itself or else for the
   * first registered supertype. Null if there is none.
   */
  @SuppressWarnings("unchecked")
  public MessageHandler<M, S, M> handlerFor(Class<?> messageClass) {
    return (MessageHandler<M, S, M>) facts.get(messageClass).handler();
  }

  private MessageHandler<M, S, ? extends M> lookup(Class<?> c) {
    MessageHandler<M, S, ? extends M> direct = handlers.get(c);
    if (direct != null) {
      return direct;
    }
    for (Map.Entry<Class<?>, MessageHandler<M, S, ? extends M>> e : handlers.entrySet()) {
      if (e.getKey().isAssignableFrom(c)) {
        return e.getValue();
      }
    }
    return null;
  }
}
