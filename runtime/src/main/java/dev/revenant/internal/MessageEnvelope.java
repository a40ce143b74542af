package dev.revenant.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The journaled "event": a message as the entity received it, with everything its handler may
 * ask the context for that differs between runs, so replay computes the same state.
 *
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
public record MessageEnvelope(
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object message,
    long receivedAtMillis,
    long seed,
    long writer,
    @JsonInclude(JsonInclude.Include.NON_NULL) String timerKey,
    @JsonInclude(JsonInclude.Include.NON_NULL) String from,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long deliverySeq,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean rejected)
    implements InternalSerializable {

  /** A message from outside (or a timer): not on a reliable channel. */
  public MessageEnvelope(
      Object message, long receivedAtMillis, long seed, long writer, String timerKey) {
    this(message, receivedAtMillis, seed, writer, timerKey, null, 0L, false);
  }
}
