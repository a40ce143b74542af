package dev.revenant.internal;

import akka.actor.Dropped;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.Signal;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds an entity's own commands while it cannot handle them (it is recovering, or a journal
 * write is in flight) and hands them over afterwards as one {@link RecoverableEntity.Batch} of
 * at most {@code max-batch-size} messages, in arrival order.
 *
 * <p>Without it Akka Persistence stashes each such message and, once the write is done,
 * unstashes them one at a time, each unstash calling the next recursively: about 13 stack frames
 * per message, which is what capped group commit at 256 messages per write, and a per-message
 * cost (stash node, unstash, MDC, effect) that the burst paid on top of the handler.
 *
 * <p>Only the entity's own commands are held (see {@link Gate#isOwnCommand}); Akka's internal
 * messages (journal and snapshot responses, recovery ticks) and foreign messages pass through at
 * once. A batch is handed over by a {@link Drain} sent to self, because an interceptor may call
 * its target only once per message. Everything runs on the actor's thread.
 */
final class GroupCommitInterceptor extends BehaviorInterceptor<Object, Object> {

  /** What the interceptor needs to know of the entity it guards. */
  interface Gate {
    /** True while commands must wait: during recovery or while a journal write is in flight. */
    boolean holding();

    /**
     * How many messages the entity has handled and not written yet (the rest of a write cut at a
     * checkpoint boundary): the next batch goes after them, and is empty if nothing is held.
     */
    int pending();

    /** True for the messages the entity handles as commands in arrival order. */
    boolean isOwnCommand(Object message);

    /** The entity for warnings: {@code [id] of type [type]}. */
    String describe();
  }

  /**
   * Self message: hand the held commands over (or an empty batch, for what the entity has
   * pending) if the entity can take them now.
   */
  enum Drain { INSTANCE }

  private final Gate gate;
  private final int maxBatch;
  private final int capacity;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private boolean drainScheduled;

  GroupCommitInterceptor(Gate gate, int maxBatch, int capacity) {
    super(Object.class);
    this.gate = gate;
    this.maxBatch = maxBatch;
    this.capacity = capacity;
  }

  @Override
  public Behavior<Object> aroundReceive(
      TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
    if (msg == Drain.INSTANCE) {
      drainScheduled = false;
      int pending = gate.pending();
      if (gate.holding() || (held.isEmpty() && pending == 0)) {
        // A write started since (its completion schedules the next drain), or nothing to do.
        return Behaviors.same();
      }
      // The entity writes what is pending first, at most max-batch-size at a time. Without the
      // room check a write cut short at a checkpoint boundary (every-messages below
      // max-batch-size) would write less than each batch brought, and the unwritten messages
      // would pile up in the entity, past stash-capacity, instead of being held here.
      int n = Math.min(Math.max(0, maxBatch - pending), held.size());
      List<Object> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(held.pollFirst());
      }
      return afterTarget(ctx, target.apply(ctx, new RecoverableEntity.Batch(batch)));
    }
    if ((!held.isEmpty() || gate.holding()) && gate.isOwnCommand(msg)) {
      if (held.size() >= capacity) {
        ctx.asJava().getLog().warn(
            "Entity {} holds [{}] messages (revenant.stash-capacity) while it recovers or"
                + " writes; dropping a message of class [{}]",
            gate.describe(), held.size(), msg.getClass().getName());
        Adapter.toClassic(ctx.asJava().getSystem()).eventStream().publish(
            new Dropped(msg, "Revenant stash-capacity reached",
                akka.actor.ActorRef.noSender(), Adapter.toClassic(ctx.asJava().getSelf())));
        return Behaviors.same();
      }
      held.addLast(msg);
      return Behaviors.same();
    }
    return afterTarget(ctx, target.apply(ctx, msg));
  }

  /**
   * Once the entity can take commands again, asks for a drain of what is held or pending. Sent
   * to self, so that the current message is done with first.
   */
  private Behavior<Object> afterTarget(TypedActorContext<Object> ctx, Behavior<Object> next) {
    if (!drainScheduled && (!held.isEmpty() || gate.pending() > 0) && !gate.holding()) {
      drainScheduled = true;
      ctx.asJava().getSelf().tell(Drain.INSTANCE);
    }
    return next;
  }

  @Override
  public Behavior<Object> aroundSignal(
      TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
    if ((signal == PostStop.instance() || signal == PreRestart.instance()) && !held.isEmpty()) {
      // Like Akka's own stash, what is held is not handled once the entity stops or is
      // restarted from scratch (to fall back to an older snapshot).
      ctx.asJava().getLog().warn(
          "Entity {} stops or restarts with [{}] messages not yet handled; their senders get no"
              + " reply",
          gate.describe(), held.size());
      held.clear();
    }
    Behavior<Object> next = target.apply(ctx, signal);
    // Stopped, the entity handles nothing more: no drain to ask for.
    return signal == PostStop.instance() ? next : afterTarget(ctx, next);
  }
}
