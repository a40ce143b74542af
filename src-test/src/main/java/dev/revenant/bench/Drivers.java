package dev.revenant.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import dev.revenant.RecoveryReport;
import dev.revenant.bench.Model.Ack;
import dev.revenant.bench.Model.Add;
import dev.revenant.bench.Model.CounterMsg;
import java.util.concurrent.CompletableFuture;

/**
 * Load drivers. Each spawns its entities as children, waits until every one has recovered
 * (not timed), then times the message phase alone: from the first send to the last reply.
 * Completes {@code done} with the elapsed nanoseconds and stops itself (and its entities).
 */
final class Drivers {
  private Drivers() {}

  /**
   * What a driver measured: spawn-to-all-recovered (untimed phase), the message phase, and the
   * CPU time this JVM used during the message phase (every thread, GC and JIT included).
   */
  record Timing(long startupNanos, long runNanos, long runCpuNanos) {}

  /**
   * Closed loop: each of {@code entities} entities gets its next message only after the reply to
   * the previous one, {@code perEntity} messages each.
   */
  static Behavior<Object> closedLoop(
      Subjects.Kind kind, String idPrefix, int entities, int perEntity, CompletableFuture<Timing> done) {
    return Behaviors.setup(ctx -> new Driver(ctx, kind, idPrefix, entities, perEntity, false, done));
  }

  /** Burst: {@code messages} messages to one entity, all sent at once without waiting. */
  static Behavior<Object> burst(
      Subjects.Kind kind, String entityId, int messages, CompletableFuture<Timing> done) {
    return Behaviors.setup(ctx -> new Driver(ctx, kind, entityId, 1, messages, true, done));
  }

  private static final class Driver extends AbstractBehavior<Object> {
    private final Subjects.Kind kind;
    private final String idPrefix;
    private final int entities;
    private final int perEntity;
    private final boolean burst;
    private final CompletableFuture<Timing> done;
    private final ActorRef<CounterMsg>[] refs;
    private final int[] acked;
    private final ActorRef<Ack> ackTo;
    private int recovered;
    private int finished;
    private long start;
    private long startCpu;
    private final long created = System.nanoTime();

    @SuppressWarnings("unchecked")
    Driver(ActorContext<Object> ctx, Subjects.Kind kind, String idPrefix, int entities,
        int perEntity, boolean burst, CompletableFuture<Timing> done) {
      super(ctx);
      this.kind = kind;
      this.idPrefix = idPrefix;
      this.entities = entities;
      this.perEntity = perEntity;
      this.burst = burst;
      this.done = done;
      this.refs = new ActorRef[entities];
      this.acked = new int[entities];
      this.ackTo = ctx.getSelf().narrow();
      // Subscribed before the entities exist: their reports are published after this.
      ctx.getSystem().eventStream().tell(
          new EventStream.Subscribe<>(RecoveryReport.class, ctx.getSelf().narrow()));
      for (int i = 0; i < entities; i++) {
        refs[i] = ctx.spawn(kind.create(entityId(i)), entityId(i));
      }
    }

    private String entityId(int i) {
      return burst ? idPrefix : idPrefix + i;
    }

    @Override
    public Receive<Object> createReceive() {
      return newReceiveBuilder()
          .onMessage(RecoveryReport.class, this::onRecovered)
          .onMessage(Ack.class, this::onAck)
          .build();
    }

    private Behavior<Object> onRecovered(RecoveryReport r) {
      if (!r.entityType().equals(kind.entityType()) || !r.entityId().startsWith(idPrefix)) {
        return this;
      }
      if (++recovered < entities) {
        return this;
      }
      startCpu = Bench.processCpuNanos();
      start = System.nanoTime();
      if (burst) {
        for (int n = 0; n < perEntity; n++) {
          refs[0].tell(new Add(0, 1, ackTo));
        }
      } else {
        for (int i = 0; i < entities; i++) {
          refs[i].tell(new Add(i, 1, ackTo));
        }
      }
      return this;
    }

    private Behavior<Object> onAck(Ack a) {
      int i = a.entity();
      acked[i]++;
      if (acked[i] < perEntity) {
        if (!burst) {
          refs[i].tell(new Add(i, 1, ackTo));
        }
        return this;
      }
      if (++finished == entities) {
        long end = System.nanoTime();
        done.complete(new Timing(start - created, end - start, Bench.processCpuNanos() - startCpu));
        return Behaviors.stopped();
      }
      return this;
    }
  }
}
