package dev.revenant.internal;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message on a reliable channel, from one entity to another; retransmitted until confirmed.
 *
 * @param from the sender's persistence id (the channel's identity at the receiver)
 * @param seq the channel sequence number, from 1, without gaps
 * @param replyTo where the current incarnation of the sender takes confirmations
 */
public record Delivery(
    String from,
    long seq,
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object message,
    ActorRef<Confirmation> replyTo)
    implements InternalSerializable {}
