package dev.revenant.internal;

import akka.actor.Cancellable;
import akka.actor.typed.javadsl.ActorContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * An entity's timers (its durable timers and the redelivery tick), scheduled with the actor
 * system's scheduler straight to the entity. Akka's {@code Behaviors.withTimers} puts an
 * interceptor in front of the behaviour that every message passes: each command, and each of the
 * journal's two replies per write. Here only the timers' own messages are looked at.
 *
 * <p>As with Akka's timers, a timer started again or cancelled never acts on an earlier
 * schedule's message, even one already in the mailbox or held during a write: each schedule
 * carries a generation, and the entity {@link #accept}s a message only if its timer still has
 * it. Runs on the actor's thread only; {@link #cancelAll} on stop and restart.
 */
final class EntityTimers {
  /** What a timer sends its entity. Never leaves the entity, never serialized. */
  record Fired(Object key, long generation) {}

  /** A started timer: its generation, its scheduled message, and its period if it repeats. */
  private record Timer(long generation, Cancellable task, Duration repeatEvery) {}

  private final ActorContext<Object> context;
  private final Map<Object, Timer> active = new HashMap<>();
  private long generations;

  EntityTimers(ActorContext<Object> context) {
    this.context = context;
  }

  /** Sends one {@link Fired} after {@code delay}, replacing the timer of that key if any. */
  void startSingle(Object key, Duration delay) {
    start(key, delay, null);
  }

  /** Sends a {@link Fired} every {@code delay}, counted from the handling of the last one. */
  void startWithFixedDelay(Object key, Duration delay) {
    start(key, delay, delay);
  }

  boolean isActive(Object key) {
    return active.containsKey(key);
  }

  void cancel(Object key) {
    Timer timer = active.remove(key);
    if (timer != null) {
      timer.task().cancel();
    }
  }

  void cancelAll() {
    for (Timer timer : active.values()) {
      timer.task().cancel();
    }
    active.clear();
  }

  /**
   * True if the timer that sent {@code fired} is still the one started then (not cancelled, not
   * started again since): a single timer is then done, a repeating one scheduled again.
   */
  boolean accept(Fired fired) {
    Timer timer = active.get(fired.key());
    if (timer == null || timer.generation() != fired.generation()) {
      return false;
    }
    if (timer.repeatEvery() == null) {
      active.remove(fired.key());
    } else {
      active.put(fired.key(), new Timer(timer.generation(),
          schedule(fired, timer.repeatEvery()), timer.repeatEvery()));
    }
    return true;
  }

  private void start(Object key, Duration delay, Duration repeatEvery) {
    cancel(key);
    Fired fired = new Fired(key, ++generations);
    active.put(key, new Timer(fired.generation(), schedule(fired, delay), repeatEvery));
  }

  private Cancellable schedule(Fired fired, Duration delay) {
    return context.scheduleOnce(delay, context.getSelf(), fired);
  }
}
