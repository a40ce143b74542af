package dev.revenant;

/**
 * The deterministic handler of one message class: given the current state and the message it
 * returns the next state, and it produces every output through the {@link RecoverableContext}.
 *
 * <p>It runs before the message is logged. If it throws, the message is not logged, the state
 * stays as it was and the entity carries on with the next message. The same handler runs again
 * when the entity recovers, with outputs suppressed, so it must depend only on the state, the
 * message and the values the context hands out (time, randomness, ids).
 *
 * @param <M> the actor's message type
 * @param <S> the actor's state type
 * @param <T> the message class this handler is registered for
 */
@FunctionalInterface
public interface MessageHandler<M, S, T extends M> {
  S handle(S state, T message, RecoverableContext<M> context) throws Exception;
}
