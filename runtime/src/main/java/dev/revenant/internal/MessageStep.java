package dev.revenant.internal;

import akka.actor.typed.ActorRef;
import dev.revenant.MessageHandler;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Applies one logged message to a state: the one place that live handling and replay share, so
 * that both compute the same next state. Live ({@code log} given) it also returns the outputs to
 * release once the message is durable; on replay it returns none.
 */
final class MessageStep<M, S> {

  /** The state after a message and, live, its outputs in order. */
  record Result(EntityState after, List<Output> outputs) {}

  /** No handler is registered for the message's class. */
  static final class NoHandler extends Exception {
    NoHandler(Class<?> c) {
      super("no handler for message class [" + c.getName() + "]", null, false, false);
    }
  }

  /** The handler returned null. */
  static final class NullState extends Exception {
    NullState() {
      super("the handler returned a null state", null, false, false);
    }
  }

  private final EntityDefinition<M, S> definition;
  private final String entityId;
  private final RevenantSettings settings;

  MessageStep(EntityDefinition<M, S> definition, String entityId, RevenantSettings settings) {
    this.definition = definition;
    this.entityId = entityId;
    this.settings = settings;
  }

  /**
   * @param log the handler's logger when live, fetched only if the handler asks for it (Akka's
   *     {@code getLog()} fills the logging MDC each time it is called); null on replay
   * @throws Exception what the handler threw, {@link NoHandler} or {@link NullState}
   */
  @SuppressWarnings("unchecked")
  Result apply(EntityState base, MessageEnvelope env, ActorRef<M> self, Supplier<Logger> log)
      throws Exception {
    boolean live = log != null;
    long seq = base.sequenceNr() + 1;
    Channels ch = base.channels();
    Object message = env.message();
    if (message instanceof Confirmation c) {
      Map<String, Channels.Outbox> outbox = new HashMap<>(ch.outbox());
      Channels.Outbox channel = outbox.get(c.receiver());
      if (channel != null) {
        // An emptied channel is kept: its last sequence number continues the numbering the
        // receiver deduplicates on.
        outbox.put(c.receiver(), channel.confirmUpTo(c.seq()));
      }
      return new Result(
          new EntityState(base.user(), seq, base.timers(),
              new Channels(ch.received(), outbox, ch.answered())),
          List.of());
    }
    Map<String, Long> received = ch.received();
    if (env.from() != null) {
      received = new HashMap<>(received);
      received.put(env.from(), env.deliverySeq());
    }
    if (env.rejected()) {
      return new Result(
          new EntityState(base.user(), seq, base.timers(),
              new Channels(received, ch.outbox(), ch.answered())),
          List.of());
    }
    IdempotencyRule rule = definition.idempotencyFor(message.getClass());
    String key = rule == null ? null : rule.key().apply(message);
    Map<String, Channels.Answer> answered = forgetOld(ch.answered(), env.receivedAtMillis());
    if (key != null && answered.containsKey(key)) {
      List<Output> outputs = live
          ? List.of(new Output.Tell((ActorRef<Object>) rule.replyTo().apply(message),
              answered.get(key).reply()))
          : List.of();
      return new Result(
          new EntityState(base.user(), seq, base.timers(),
              new Channels(received, ch.outbox(), answered)),
          outputs);
    }
    MessageHandler<M, S, M> handler = definition.handlerFor(message.getClass());
    if (handler == null) {
      throw new NoHandler(message.getClass());
    }
    HandlerContext<M> ctx = live
        ? HandlerContext.live(definition.entityType(), entityId, self, seq, env, base, log)
        : HandlerContext.replay(definition.entityType(), entityId, self, seq, env, base);
    if (env.timerKey() != null) {
      ctx.consumeTimer(env.timerKey());
    }
    if (key != null) {
      ctx.captureAnswerTo(rule.replyTo().apply(message));
    }
    S next = handler.handle((S) base.user(), (M) message, ctx);
    if (next == null) {
      throw new NullState();
    }
    if (key != null && ctx.answer() != null) {
      answered = remember(answered, key, new Channels.Answer(ctx.answer(), env.receivedAtMillis()));
    }
    return new Result(
        new EntityState(next, seq, ctx.timers(), new Channels(received, ctx.outbox(), answered)),
        live ? ctx.outputs() : List.of());
  }

  /** Drops answers older than the retention window, judged by the logged receive time. */
  private Map<String, Channels.Answer> forgetOld(Map<String, Channels.Answer> answered, long now) {
    if (answered.isEmpty()) {
      return answered;
    }
    long oldest = now - settings.idempotencyKeepFor().toMillis();
    if (answered.values().iterator().next().atMillis() >= oldest) {
      return answered; // insertion order: the first is the oldest
    }
    Map<String, Channels.Answer> kept = new LinkedHashMap<>(answered);
    kept.values().removeIf(a -> a.atMillis() < oldest);
    return kept;
  }

  /** Adds an answer, dropping the oldest beyond the retention count. */
  private Map<String, Channels.Answer> remember(
      Map<String, Channels.Answer> answered, String key, Channels.Answer answer) {
    Map<String, Channels.Answer> next = new LinkedHashMap<>(answered);
    next.put(key, answer);
    Iterator<String> oldest = next.keySet().iterator();
    while (next.size() > settings.idempotencyKeepKeys()) {
      oldest.next();
      oldest.remove();
    }
    return next;
  }
}
