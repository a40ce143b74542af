package dev.revenant.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import dev.revenant.RecoveryReport;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The guardian of a benchmark actor system: spawns what the main thread asks for, optionally
 * waits until the spawned entity has recovered (timing it from spawn to its RecoveryReport), and
 * stops actors, completing plain futures the main thread blocks on (no callbacks on the common
 * pool).
 */
final class Host extends AbstractBehavior<Host.Msg> {
  interface Msg {}

  /** Spawn {@code behavior}; if {@code entityType} is set, complete once that entity recovered. */
  record Spawn<T>(
      Behavior<T> behavior, String name, String entityType, String entityId,
      CompletableFuture<Spawned<T>> result) implements Msg {}

  record Spawned<T>(ActorRef<T> ref, RecoveryReport report, long spawnToRecoveredNanos) {}

  record Stop(ActorRef<?> ref, CompletableFuture<Void> done) implements Msg {}

  private record Report(RecoveryReport report) implements Msg {}

  private record Stopped(ActorRef<?> ref) implements Msg {}

  private record Waiting(long startNanos, Spawn<?> spawn, ActorRef<?> ref) {}

  private final Map<String, Waiting> waiting = new HashMap<>();
  private final Map<ActorRef<?>, CompletableFuture<Void>> stopping = new HashMap<>();

  static Behavior<Msg> create() {
    return Behaviors.setup(Host::new);
  }

  private Host(ActorContext<Msg> ctx) {
    super(ctx);
    ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(
        RecoveryReport.class, ctx.messageAdapter(RecoveryReport.class, Report::new)));
  }

  @Override
  public Receive<Msg> createReceive() {
    return newReceiveBuilder()
        .onMessage(Spawn.class, this::onSpawn)
        .onMessage(Report.class, this::onReport)
        .onMessage(Stop.class, this::onStop)
        .onMessage(Stopped.class, this::onStopped)
        .build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Behavior<Msg> onSpawn(Spawn spawn) {
    long start = System.nanoTime();
    ActorRef<?> ref = getContext().spawn((Behavior<Object>) spawn.behavior(), spawn.name());
    if (spawn.entityType() == null) {
      spawn.result().complete(new Spawned(ref, null, 0));
    } else {
      waiting.put(spawn.entityType() + "|" + spawn.entityId(), new Waiting(start, spawn, ref));
    }
    return this;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Behavior<Msg> onReport(Report r) {
    Waiting w = waiting.remove(r.report().entityType() + "|" + r.report().entityId());
    if (w != null) {
      ((CompletableFuture) w.spawn().result())
          .complete(new Spawned(w.ref(), r.report(), System.nanoTime() - w.startNanos()));
    }
    return this;
  }

  private Behavior<Msg> onStop(Stop stop) {
    stopping.put(stop.ref(), stop.done());
    getContext().watchWith(stop.ref(), new Stopped(stop.ref()));
    getContext().stop(stop.ref());
    return this;
  }

  private Behavior<Msg> onStopped(Stopped s) {
    CompletableFuture<Void> done = stopping.remove(s.ref());
    if (done != null) {
      done.complete(null);
    }
    return this;
  }
}
