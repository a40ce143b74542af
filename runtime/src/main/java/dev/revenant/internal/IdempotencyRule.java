package dev.revenant.internal;

import akka.actor.typed.ActorRef;
import java.util.function.Function;

/**
 * How to find a request's idempotency key and where its answer goes, for one message class.
 *
 * @param key the key of a message, or null if that message has none
 * @param replyTo where the message's answer goes
 */
public record IdempotencyRule(Function<Object, String> key, Function<Object, ActorRef<?>> replyTo) {}
