package dev.revenant.internal;

import akka.actor.typed.ActorRef;
import dev.revenant.EntityAddress;
import dev.revenant.RecoverableContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * The context of one handler call. Live, it collects outputs for release after the write; on
 * replay ({@code outputs == null}) it drops them. Both update the durable timers alike, since
 * they are state.
 */
final class HandlerContext<M> implements RecoverableContext<M> {
  private final String entityType;
  private final String entityId;
  private final ActorRef<M> self;
  private final long sequenceNr;
  private final MessageEnvelope envelope;
  private final Supplier<Logger> log;
  private Logger resolvedLog;
  private final List<Output> outputs;
  private Map<String, PendingTimer> timers;
  private boolean timersCopied;
  private Map<String, Channels.Outbox> outbox;
  private boolean outboxCopied;
  private ActorRef<?> answerTo;
  private Object answer;
  private Random random;
  private Random idSource;

  private HandlerContext(
      String entityType,
      String entityId,
      ActorRef<M> self,
      long sequenceNr,
      MessageEnvelope envelope,
      Map<String, PendingTimer> timers,
      Map<String, Channels.Outbox> outbox,
      Supplier<Logger> log,
      List<Output> outputs) {
    this.entityType = entityType;
    this.entityId = entityId;
    this.self = self;
    this.sequenceNr = sequenceNr;
    this.envelope = envelope;
    this.timers = timers;
    this.outbox = outbox;
    this.log = log;
    this.outputs = outputs;
  }

  static <M> HandlerContext<M> live(
      String entityType, String entityId, ActorRef<M> self, long sequenceNr,
      MessageEnvelope envelope, EntityState base, Supplier<Logger> log) {
    return new HandlerContext<>(entityType, entityId, self, sequenceNr, envelope, base.timers(),
        base.channels().outbox(), log, new ArrayList<>(2));
  }

  static <M> HandlerContext<M> replay(
      String entityType, String entityId, ActorRef<M> self, long sequenceNr,
      MessageEnvelope envelope, EntityState base) {
    return new HandlerContext<>(entityType, entityId, self, sequenceNr, envelope, base.timers(),
        base.channels().outbox(), () -> NOPLogger.NOP_LOGGER, null);
  }

  /** Capture the first reply to {@code replyTo}: the answer repeated for an idempotency key. */
  void captureAnswerTo(ActorRef<?> replyTo) {
    this.answerTo = replyTo;
  }

  /** The captured answer, or null. */
  Object answer() {
    return answer;
  }

  /** The outbox after the handler ran. */
  Map<String, Channels.Outbox> outbox() {
    return outbox;
  }

  /** The outputs in the order the handler produced them (live only). */
  List<Output> outputs() {
    return outputs;
  }

  /** The durable timers after the handler ran. */
  Map<String, PendingTimer> timers() {
    return timers;
  }

  /** Removes a timer that is delivering this message, before the handler runs. */
  void consumeTimer(String key) {
    mutableTimers().remove(key);
  }

  @Override
  public String entityType() {
    return entityType;
  }

  @Override
  public String entityId() {
    return entityId;
  }

  @Override
  public ActorRef<M> self() {
    return self;
  }

  @Override
  public long sequenceNr() {
    return sequenceNr;
  }

  @Override
  public Instant now() {
    return Instant.ofEpochMilli(envelope.receivedAtMillis());
  }

  @Override
  public Random random() {
    if (random == null) {
      random = new Random(envelope.seed());
    }
    return random;
  }

  @Override
  public UUID newId() {
    if (idSource == null) {
      // A generator of its own, so that ids do not depend on how much random() was used.
      idSource = new Random(envelope.seed() ^ 0x5DEECE66DL);
    }
    long msb = (idSource.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (idSource.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(msb, lsb);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> void reply(ActorRef<R> replyTo, R reply) {
    Objects.requireNonNull(replyTo, "reply: replyTo is null");
    Objects.requireNonNull(reply, "reply: the reply message is null");
    if (answer == null && replyTo.equals(answerTo)) {
      answer = reply;
    }
    if (outputs != null) {
      outputs.add(new Output.Tell((ActorRef<Object>) replyTo, reply));
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> void send(ActorRef<T> target, T message) {
    Objects.requireNonNull(target, "send: target is null");
    Objects.requireNonNull(message, "send: message is null");
    if (outputs != null) {
      outputs.add(new Output.Tell((ActorRef<Object>) target, message));
    }
  }

  @Override
  public <T> void deliver(EntityAddress<T> target, T message) {
    Objects.requireNonNull(target, "deliver: target is null");
    Objects.requireNonNull(message, "deliver: message is null");
    if (!outboxCopied) {
      outbox = new HashMap<>(outbox);
      outboxCopied = true;
    }
    Channels.Outbox channel = outbox.get(target.persistenceId());
    Channels.Outbox next =
        (channel == null ? new Channels.Outbox(target, 0L, List.of()) : channel).append(message);
    outbox.put(target.persistenceId(), next);
    if (outputs != null) {
      outputs.add(new Output.Deliver(target, next.lastSeq(), message));
    }
  }

  @Override
  public void startSingleTimer(String key, M message, Duration delay) {
    Objects.requireNonNull(key, "startSingleTimer: key is null");
    Objects.requireNonNull(message, "startSingleTimer: message is null");
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException(
          "startSingleTimer: delay must be zero or positive, was [" + delay + "] for key [" + key
              + "]");
    }
    mutableTimers().put(
        key, new PendingTimer(message, envelope.receivedAtMillis() + delay.toMillis()));
    if (outputs != null) {
      outputs.add(new Output.StartTimer(key, delay));
    }
  }

  @Override
  public void cancelTimer(String key) {
    if (mutableTimers().remove(key) != null && outputs != null) {
      outputs.add(new Output.CancelTimer(key));
    }
  }

  @Override
  public Logger log() {
    // Fetched once, on the first call: Akka hands its logger out on the actor's thread only.
    if (resolvedLog == null) {
      resolvedLog = log.get();
    }
    return resolvedLog;
  }

  private Map<String, PendingTimer> mutableTimers() {
    if (!timersCopied) {
      timers = new HashMap<>(timers);
      timersCopied = true;
    }
    return timers;
  }
}
