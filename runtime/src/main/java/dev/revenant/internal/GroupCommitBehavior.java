package dev.revenant.internal;

import akka.actor.Dropped;
import akka.actor.typed.Behavior;
import akka.actor.typed.ExtensibleBehavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.Signal;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.internal.Running;
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
 * once. A batch is handed over by a {@link Drain} sent to self, so that the message being
 * handled is done with first. Everything runs on the actor's thread.
 *
 * <p>It keeps the entity's Akka Persistence behaviour as a field and always answers {@code
 * same}, where a {@code BehaviorInterceptor} (what this class was until 2026-11-28) answers with
 * the new behaviour whenever the one below changes. Akka Persistence changes behaviour twice per
 * write (to persisting and back), and each change made every interceptor above it (this one,
 * the timers and the snapshot fall-back supervisor) start the new stack, walk it for a duplicate
 * of itself and wrap it anew. Messages, signals and the special results ({@code unhandled},
 * {@code stopped}, failed) are passed on as Akka's interceptors pass them, so a stop still
 * signals {@code PostStop} to the last behaviour, and a restart {@code PreRestart}.
 *
 * <p>It is the outermost layer of an entity: it also makes the entity anew when the entity asks
 * for a {@link #restart} (to fall back to an older snapshot), which a restart supervisor around
 * it did until 2026-11-28, and the entity keeps its own timers ({@link EntityTimers}) instead of
 * Akka's timer interceptor. Every message and each of the journal's replies passed both layers.
 */
final class GroupCommitBehavior extends ExtensibleBehavior<Object> {

  /** One incarnation of the entity: what this behaviour asks it, and its behaviour, not started. */
  record Incarnation(Gate gate, Behavior<Object> behavior) {}

  /** Makes the entity's incarnations: the first, and one after each {@link #restart}. */
  interface Incarnations {
    Incarnation next(GroupCommitBehavior stage);
  }

  /** What this behaviour needs to know of the entity it guards. */
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

  private static final Behavior<Object> SAME = Behaviors.same();

  private final TypedActorContext<Object> context;
  private final Incarnations incarnations;
  private Gate gate;
  private final int maxBatch;
  private final int capacity;
  /** The entity asked for a new incarnation once the message it is handling is done. */
  private boolean restartRequested;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private boolean drainScheduled;
  /** The entity's Akka Persistence behaviour, started; replaced when it changes. */
  private Behavior<Object> inner;
  /** Where {@link #lastSequenceNumber} found the sequence number, and in which {@code inner}. */
  private Running.WithSeqNrAccessible seqNr;
  private Behavior<Object> seqNrFoundIn;

  /** Makes and starts the entity's first incarnation. */
  GroupCommitBehavior(TypedActorContext<Object> context, int maxBatch, int capacity,
      Incarnations incarnations) {
    this.context = context;
    this.maxBatch = maxBatch;
    this.capacity = capacity;
    this.incarnations = incarnations;
    incarnate();
  }

  private void incarnate() {
    Incarnation next = incarnations.next(this);
    gate = next.gate();
    inner = Behavior.start(next.behavior(), context);
  }

  /**
   * Once the message the entity is handling is done: signals {@code PreRestart} to its behaviour
   * and starts a new incarnation, which recovers afresh. What is held stays held for it (none of
   * it reached the entity; a restart supervisor dropped it, and its senders got no reply).
   */
  void restart() {
    restartRequested = true;
  }

  /**
   * The sequence number of the entry being replayed during recovery, or of the last one written
   * afterwards: what Akka's {@code EventSourcedBehavior.lastSequenceNumber(context)} returns, which
   * looks for it through Akka's interceptors only and so does not find it behind this behaviour.
   * Akka's recovery and running behaviours keep it behind the same internal interface. The one
   * found is kept for as long as the behaviour below is the same object (a replay asks once per
   * entry; Akka's interceptors never change what they wrap, so a change below is a new object).
   */
  long lastSequenceNumber() {
    if (seqNrFoundIn != inner) {
      Running.WithSeqNrAccessible[] found = {null};
      Behavior.existsInStack(inner, b -> {
        if (b instanceof Running.WithSeqNrAccessible accessible) {
          found[0] = accessible;
          return true;
        }
        return false;
      });
      if (found[0] == null) {
        throw new IllegalStateException("no sequence number in the entity's behaviour "
            + inner.getClass().getName() + ": asked outside its handlers?");
      }
      seqNr = found[0];
      seqNrFoundIn = inner;
    }
    return seqNr.currentSequenceNumber();
  }

  @Override
  public Behavior<Object> receive(TypedActorContext<Object> ctx, Object msg) {
    if (msg == Drain.INSTANCE) {
      drainScheduled = false;
      int pending = gate.pending();
      if (gate.holding() || (held.isEmpty() && pending == 0)) {
        // A write started since (its completion schedules the next drain), or nothing to do.
        return SAME;
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
      return afterInner(ctx, Behavior.interpretMessage(
          inner, ctx, new RecoverableEntity.Batch(batch)));
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
        return SAME;
      }
      held.addLast(msg);
      return SAME;
    }
    return afterInner(ctx, Behavior.interpretMessage(inner, ctx, msg));
  }

  @Override
  public Behavior<Object> receiveSignal(TypedActorContext<Object> ctx, Signal signal) {
    if (signal == PostStop.instance() || signal == PreRestart.instance()) {
      dropHeld(ctx);
    }
    Behavior<Object> next = Behavior.interpretSignal(inner, ctx, signal);
    // Stopped, the entity handles nothing more: no drain to ask for.
    return signal == PostStop.instance() ? adopt(next) : afterInner(ctx, next);
  }

  /**
   * Like Akka's own stash, what is held is not handled once the entity stops or is restarted
   * from scratch.
   */
  private void dropHeld(TypedActorContext<Object> ctx) {
    if (!held.isEmpty()) {
      ctx.asJava().getLog().warn(
          "Entity {} stops or restarts with [{}] messages not yet handled; their senders get no"
              + " reply",
          gate.describe(), held.size());
      held.clear();
    }
  }

  /**
   * Keeps what the entity's behaviour became (or makes a new incarnation, if it asked for one)
   * and, once the entity can take commands again, asks for a drain of what is held or pending.
   * Sent to self, so that the current message is done with first.
   */
  private Behavior<Object> afterInner(TypedActorContext<Object> ctx, Behavior<Object> next) {
    Behavior<Object> result = adopt(next);
    if (restartRequested) {
      restartRequested = false;
      if (Behavior.isAlive(result)) {
        Behavior.interpretSignal(inner, ctx, PreRestart.instance());
        incarnate();
        result = SAME;
      }
    }
    if (!drainScheduled && (!held.isEmpty() || gate.pending() > 0) && !gate.holding()) {
      drainScheduled = true;
      ctx.asJava().getSelf().tell(Drain.INSTANCE);
    }
    return result;
  }

  /**
   * What the behaviour below returned, as this one answers it: {@code same} and {@code unhandled}
   * as they are (the latter so that Akka publishes the message as unhandled), a stopped or failed
   * behaviour handed up (the actor stops, and {@code PostStop} goes to this behaviour, which
   * passes it to the last live one below), and a new live behaviour kept, answered by
   * {@code same}.
   */
  private Behavior<Object> adopt(Behavior<Object> next) {
    if (next == SAME || Behavior.isUnhandled(next) || !Behavior.isAlive(next)) {
      return next;
    }
    inner = next;
    return SAME;
  }

  @Override
  public String toString() {
    return "GroupCommitBehavior(" + inner + ")";
  }
}
