package dev.revenant.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Objects;

/**
 * The journaled "event": a message as the entity received it, with everything its handler may
 * ask the context for that differs between runs, so replay computes the same state.
 *
 * <p>Written by {@link EnvelopeSerializer}. The Jackson annotations only read entries that
 * Revenant wrote with Jackson CBOR before it had that serializer (they carry Jackson's serializer
 * id, so Akka hands them to Jackson).
 *
 * <p>A value: equal envelopes have equal components. It also holds its own serialized form once
 * computed (not part of the value): the entity serializes each envelope before it joins a batch,
 * to reject an unserializable message on its own, and the journal then writes those bytes instead
 * of serializing it again.
 */
public final class MessageEnvelope implements InternalSerializable {
  private final Object message;
  private final long receivedAtMillis;
  private final long seed;
  private final long writer;
  private final String timerKey;
  private final String from;
  private final long deliverySeq;
  private final boolean rejected;
  private volatile byte[] serialized;

  /**
   * @param message the user's message
   * @param receivedAtMillis receive time, returned by {@code context.now()}
   * @param seed seed of {@code context.random()} and {@code context.newId()}
   * @param writer id of the entity incarnation that wrote it; replay checks that incarnations
   *     follow each other and never interleave
   * @param timerKey the key of the durable timer that delivered the message, or null
   * @param from for a message that came on a reliable channel: the sender's persistence id
   * @param deliverySeq with {@code from}: its channel sequence number
   * @param rejected with {@code from}: the handler threw, so the delivery was recorded (and
   *     confirmed) without effect rather than retransmitted forever
   */
  @JsonCreator
  public MessageEnvelope(
      @JsonProperty("message") @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object message,
      @JsonProperty("receivedAtMillis") long receivedAtMillis,
      @JsonProperty("seed") long seed,
      @JsonProperty("writer") long writer,
      @JsonProperty("timerKey") String timerKey,
      @JsonProperty("from") String from,
      @JsonProperty("deliverySeq") long deliverySeq,
      @JsonProperty("rejected") boolean rejected) {
    this.message = message;
    this.receivedAtMillis = receivedAtMillis;
    this.seed = seed;
    this.writer = writer;
    this.timerKey = timerKey;
    this.from = from;
    this.deliverySeq = deliverySeq;
    this.rejected = rejected;
  }

  /** A message from outside (or a timer): not on a reliable channel. */
  public MessageEnvelope(
      Object message, long receivedAtMillis, long seed, long writer, String timerKey) {
    this(message, receivedAtMillis, seed, writer, timerKey, null, 0L, false);
  }

  public Object message() {
    return message;
  }

  public long receivedAtMillis() {
    return receivedAtMillis;
  }

  public long seed() {
    return seed;
  }

  public long writer() {
    return writer;
  }

  public String timerKey() {
    return timerKey;
  }

  public String from() {
    return from;
  }

  public long deliverySeq() {
    return deliverySeq;
  }

  public boolean rejected() {
    return rejected;
  }

  /** The bytes {@link EnvelopeSerializer} made of this envelope, or null. */
  byte[] serialized() {
    return serialized;
  }

  void serialized(byte[] bytes) {
    this.serialized = bytes;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || o instanceof MessageEnvelope e
            && receivedAtMillis == e.receivedAtMillis
            && seed == e.seed
            && writer == e.writer
            && deliverySeq == e.deliverySeq
            && rejected == e.rejected
            && Objects.equals(message, e.message)
            && Objects.equals(timerKey, e.timerKey)
            && Objects.equals(from, e.from);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        message, receivedAtMillis, seed, writer, timerKey, from, deliverySeq, rejected);
  }

  @Override
  public String toString() {
    return "MessageEnvelope[message=" + message + ", receivedAtMillis=" + receivedAtMillis
        + ", seed=" + seed + ", writer=" + writer + ", timerKey=" + timerKey + ", from=" + from
        + ", deliverySeq=" + deliverySeq + ", rejected=" + rejected + "]";
  }
}
