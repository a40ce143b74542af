package dev.revenant;

import akka.actor.typed.ActorRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * What a {@link MessageHandler} may use besides its state and message.
 *
 * <p>Outputs ({@link #reply}, {@link #send}, timers) are held until the message is durable in the
 * journal and are released in the order the handler produced them; if the handler throws or the
 * write fails they are never released, and during recovery they are suppressed. Values that
 * differ between runs ({@link #now}, {@link #random}, {@link #newId}) come from the logged
 * envelope, so recovery computes exactly the same state.
 *
 * @param <M> the actor's message type
 */
public interface RecoverableContext<M> {

  /** The entity type name given to {@link Recoverable#define}. */
  String entityType();

  /** The entity id given to {@link RecoverableBehavior#create}. */
  String entityId();

  /**
   * This entity's own reference, e.g. to hand out in replies. It belongs to the current
   * incarnation: keep it out of the state, which outlives incarnations.
   */
  ActorRef<M> self();

  /** The journal sequence number this message has (1 for the first message ever logged). */
  long sequenceNr();

  /** The time the message was received, as logged with it: the same on replay. */
  Instant now();

  /** A random generator seeded from the logged envelope: the same sequence on replay. */
  Random random();

  /** A UUID derived from the logged envelope: the same ids, in the same order, on replay. */
  UUID newId();

  /** Sends {@code reply} to {@code replyTo} once this message is durable. */
  <R> void reply(ActorRef<R> replyTo, R reply);

  /**
   * Sends {@code message} to {@code target} once this message is durable: at most once, like
   * an Akka tell (lost if the target or the network fails). For an exactly-once effect between
   * recoverable entities use {@link #deliver}.
   */
  <T> void send(ActorRef<T> target, T message);

  /**
   * Delivers {@code message} to the recoverable entity at {@code target} with an exactly-once
   * effect: once this message is durable it is sent, and retransmitted (after crashes of either
   * side too) until the target has logged it; the target applies it once and drops duplicates.
   * Messages to one target arrive in the order they were delivered. The target's entity type
   * must be registered with {@link RecoverableCluster#init} (a single node is a one-node
   * cluster). If the target's handler throws on it, it is recorded there without effect (and
   * logged) rather than retransmitted forever.
   */
  <T> void deliver(EntityAddress<T> target, T message);

  /**
   * Delivers {@code message} to this actor after {@code delay}, once this message is durable.
   * The timer is part of the recoverable state: after a crash it is re-armed for what is left of
   * its delay (or fires at once if that has passed). Scheduling again under the same key
   * replaces the earlier timer. The delivered message is logged like any other.
   */
  void startSingleTimer(String key, M message, Duration delay);

  /** Cancels the timer with this key, if any; takes effect with this message. */
  void cancelTimer(String key);

  /**
   * A logger for the handler: it writes nothing while the entity replays its journal. Call it
   * while the handler runs (Akka's logger sets the actor's logging MDC, such as {@code
   * akkaSource}, from that call to the end of the message); keep the returned logger to log
   * after the handler has returned.
   */
  Logger log();
}
