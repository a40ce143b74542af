package dev.revenant.bench;

import akka.actor.typed.ActorRef;
import dev.revenant.JournalSerializable;

/**
 * The messages, states and events every benchmark subject works with. Revenant and the
 * hand-written EventSourcedBehavior receive the same command class; their messages, states and
 * events serialize with Jackson CBOR through {@link JournalSerializable}'s binding (Revenant's
 * journal entry nests the message in its envelope).
 */
public final class Model {
  private Model() {}

  /** The command of every subject. */
  public sealed interface CounterMsg extends JournalSerializable permits Add {}

  /** Add {@code amount}; answer {@link Ack} once durable. */
  public record Add(int entity, long amount, ActorRef<Ack> replyTo) implements CounterMsg {}

  /** Revenant's state. */
  public record Counter(long count, long total) implements JournalSerializable {}

  /** The reply (local only, never serialized). */
  public record Ack(int entity, long count) {}

  /** The hand-written behaviour's event: what a developer would persist for {@link Add}. */
  public record Added(long amount) implements JournalSerializable {}

  /** The hand-written behaviour's state. */
  public record HwCounter(long count, long total) implements JournalSerializable {}
}
