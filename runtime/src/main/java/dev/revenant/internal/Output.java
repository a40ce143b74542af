package dev.revenant.internal;

import akka.actor.typed.ActorRef;
import dev.revenant.EntityAddress;
import java.time.Duration;

/** An effect a handler asked for; held until its message is durable, dropped during replay. */
sealed interface Output {

  record Tell(ActorRef<Object> target, Object message) implements Output {}

  record StartTimer(String key, Duration delay) implements Output {}

  record CancelTimer(String key) implements Output {}

  /** A delivery on a reliable channel, sent once durable and retransmitted until confirmed. */
  record Deliver(EntityAddress<?> target, long seq, Object message) implements Output {}
}
