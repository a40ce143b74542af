package dev.revenant.internal;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.SnapshotAdapter;
import akka.persistence.typed.SnapshotSelectionCriteria;
import akka.persistence.typed.SnapshotFailed;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.Recovery;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import akka.persistence.typed.javadsl.SnapshotCountRetentionCriteria;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import dev.revenant.CheckpointPolicy;
import dev.revenant.MessageHandler;
import dev.revenant.RecoveryReport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import scala.util.Try;

/**
 * One recoverable entity on top of akka-persistence-typed. The journaled event is the
 * {@link MessageEnvelope}; the handler runs before the write on a tentative state, and its new
 * state and outputs take effect only once the write succeeded.
 *
 * <p>Group commit: a message that arrives while nothing is being written is handled and written
 * at once, like a hand-written EventSourcedBehavior's persist. Messages that arrive during the
 * write (or during recovery) are held by the {@link GroupCommitBehavior} in front of the
 * entity and come back as one {@link Batch}, handled in order and written together in one atomic
 * journal write. A write that stops at a checkpoint boundary leaves the rest pending; the
 * group commit behaviour's next batch, empty if nothing is held, writes it first.
 */
public final class RecoverableEntity<M, S>
    extends EventSourcedBehavior<Object, MessageEnvelope, EntityState>
    implements GroupCommitBehavior.Gate {

  /**
   * Commands held while the entity recovered or wrote, in arrival order, from the
   * {@link GroupCommitBehavior}. Never leaves the entity, never serialized.
   */
  record Batch(List<Object> messages) {}

  /** Self message after a failed recovery: stop (or restart from an older snapshot). */
  enum Stop { INSTANCE }

  /**
   * The key of the timer that sends unconfirmed deliveries again (the durable timers' keys are
   * the handlers' strings, so never equal to it).
   */
  private enum Redeliver { KEY }

  /** Why a recovered entity is stopping instead of running. */
  private enum Stopping { NO, FAILED, FALLING_BACK }

  /** A handled message waiting for its write, with the state after it and its outputs. */
  private record Pending(MessageEnvelope envelope, EntityState after, List<Output> outputs) {}

  private final EntityDefinition<M, S> definition;
  private final String entityId;
  private final ActorContext<Object> context;
  private final EntityTimers timers;
  private final RevenantSettings settings;
  private final CheckpointPolicy checkpointPolicy;
  private final Serialization serialization;
  private final MessageStep<M, S> messageStep;
  /** The handler's logger, fetched from Akka only when a handler logs. */
  private final Supplier<Logger> handlerLog = this::log;
  private final EntityRouter router;

  private final List<Pending> pending = new ArrayList<>();
  private EntityState tentative;
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  /** Recovery completed: commands are handled, not held. */
  private boolean recovered;
  /** A journal write is in flight: commands are held until it completes. */
  private boolean writing;
  /** Handling a {@link Batch}: its messages join one write, made at the end of the batch. */
  private boolean inBatch;

  private final RecoveryGuard guard;
  /**
   * The behaviour in front of this one: it holds this entity's current Akka Persistence
   * behaviour, and with it the sequence number, and makes a new incarnation on {@code restart}.
   */
  private final GroupCommitBehavior stage;
  /** This incarnation's writer id, stamped on every envelope it writes. */
  private final long writer = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);

  private long recoveryStartNanos = System.nanoTime();
  private long replayed;
  private long replayWriter;
  private final Set<Long> replayWriters = new HashSet<>();
  private String replayFailure;
  private Throwable replayFailureCause;
  private Stopping stopping = Stopping.NO;

  /**
   * The behaviour of one entity, as handed to users: the {@link GroupCommitBehavior} in front of
   * the entity's Akka Persistence behaviour, and nothing else in front of either (every message,
   * the journal's replies included, passes each layer). The group commit behaviour makes the
   * entity anew when it restarts itself to fall back to an older snapshot; the {@link
   * RecoveryGuard} outlives its incarnations.
   */
  public static <M, S> Behavior<M> create(EntityDefinition<M, S> definition, String entityId) {
    Behavior<Object> behavior =
        Behaviors.setup(
            ctx -> {
              RevenantSettings settings =
                  RevenantSettingsExtension.get(ctx.getSystem()).settings();
              RecoveryGuard guard = new RecoveryGuard();
              return new GroupCommitBehavior(ctx, settings.maxBatchSize(),
                  settings.stashCapacity(), stage -> {
                    RecoverableEntity<M, S> entity = new RecoverableEntity<>(
                        definition, entityId, ctx, guard, settings, stage);
                    return new GroupCommitBehavior.Incarnation(entity, entity);
                  });
            });
    return behavior.narrow();
  }

  private RecoverableEntity(
      EntityDefinition<M, S> definition,
      String entityId,
      ActorContext<Object> context,
      RecoveryGuard guard,
      RevenantSettings settings,
      GroupCommitBehavior stage) {
    super(
        PersistenceId.ofUniqueId(definition.persistenceId(entityId)),
        SupervisorStrategy.restartWithBackoff(
            settings.minBackoff(), settings.maxBackoff(), settings.randomFactor()));
    this.definition = definition;
    this.entityId = entityId;
    this.context = context;
    this.timers = new EntityTimers(context);
    this.guard = guard;
    this.stage = stage;
    this.settings = settings;
    this.checkpointPolicy = definition.checkpointPolicy().orElse(settings.defaultCheckpointPolicy());
    this.serialization = SerializationExtension.get(Adapter.toClassic(context.getSystem()));
    this.messageStep = new MessageStep<>(definition, entityId, settings);
    this.router = new EntityRouter(context.getSystem(), context.getLog());
    if (definition.claimInitialStateCheck()) {
      checkSerializable(EntityState.initial(definition.initialState()));
    }
  }

  /**
   * Fails fast, before anything is logged, if the initial state cannot make a round trip through
   * the serializer that snapshots will use.
   */
  private void checkSerializable(EntityState state) {
    Try<Object> roundTrip =
        serialization.serialize(state).flatMap(bytes -> {
          akka.serialization.Serializer serializer = serialization.findSerializerFor(state);
          return serialization.deserialize(
              bytes, serializer.identifier(), Serializers.manifestFor(serializer, state));
        });
    if (roundTrip.isFailure()) {
      throw new IllegalArgumentException(
          "[REV-E006] the initial state of entity type [" + definition.entityType()
              + "], of class [" + definition.initialState().getClass().getName()
              + "], cannot be serialized and read back: " + roundTrip.failed().get()
              + ". Make it a record of serializable fields implementing JournalSerializable.",
          roundTrip.failed().get());
    }
  }

  @Override
  public EntityState emptyState() {
    return EntityState.initial(definition.initialState());
  }

  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(
        SnapshotSelectionCriteria.latest().withMaxSequenceNr(guard.snapshotCeiling()));
  }

  /** Snapshots hold a {@link SnapshotEnvelope}, so an unreadable one is detected, not fatal. */
  @Override
  public SnapshotAdapter<EntityState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(EntityState state) {
        Try<byte[]> bytes = serialization.serialize(state);
        if (bytes.isFailure()) {
          log().error(
              "[REV-E007] Entity [{}] of type [{}] cannot serialize its state of class [{}] at"
                  + " sequence number [{}] for a snapshot; recovery will fall back to an older"
                  + " snapshot: {}",
              entityId, definition.entityType(), state.user().getClass().getName(),
              state.sequenceNr(), bytes.failed().get().toString());
          return new SnapshotEnvelope(state.sequenceNr(), new byte[0], -1, "");
        }
        akka.serialization.Serializer serializer = serialization.findSerializerFor(state);
        return new SnapshotEnvelope(state.sequenceNr(), bytes.get(), serializer.identifier(),
            Serializers.manifestFor(serializer, state));
      }

      @Override
      public EntityState fromJournal(Object stored) {
        if (!(stored instanceof SnapshotEnvelope envelope)) {
          return unreadable(-1, "not a Revenant snapshot: [" + stored.getClass().getName() + "]");
        }
        if (envelope.serializerId() == -1) {
          return unreadable(envelope.sequenceNr(), "its state could not be serialized when saved");
        }
        Try<Object> state =
            serialization.deserialize(envelope.state(), envelope.serializerId(),
                envelope.manifest());
        if (state.isFailure() || !(state.get() instanceof EntityState)) {
          return unreadable(envelope.sequenceNr(),
              state.isFailure() ? state.failed().get().toString() : "not an entity state");
        }
        return (EntityState) state.get();
      }

      private EntityState unreadable(long sequenceNr, String reason) {
        return new EntityState(
            new UnreadableSnapshot(sequenceNr, reason), sequenceNr, Map.of(), Channels.EMPTY);
      }
    };
  }

  @Override
  public String journalPluginId() {
    return settings.journalPluginId();
  }

  @Override
  public String snapshotPluginId() {
    return settings.snapshotPluginId();
  }

  @Override
  public Optional<Integer> stashCapacity() {
    return Optional.of(settings.stashCapacity());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    SnapshotCountRetentionCriteria criteria =
        RetentionCriteria.snapshotEvery(
            checkpointPolicy.everyMessages(), checkpointPolicy.keepSnapshots());
    return checkpointPolicy.deleteCoveredMessages()
        ? criteria.withDeleteEventsOnSnapshot()
        : criteria;
  }

  // ---------------------------------------------------------------- running

  /**
   * While it recovers or writes; and once a recovery failed, until the entity stops or its next
   * incarnation (falling back to an older snapshot) takes the held commands over.
   */
  @Override
  public boolean holding() {
    return !recovered || writing || stopping != Stopping.NO;
  }

  /** Messages handled before a write that stopped at a checkpoint boundary, not yet written. */
  @Override
  public int pending() {
    // A stopping entity writes nothing more (and has nothing pending: it stops on a failed
    // recovery); never ask for a drain it would not act on.
    return stopping == Stopping.NO ? pending.size() : 0;
  }

  /** The commands handled in arrival order. */
  @Override
  public boolean isOwnCommand(Object message) {
    return definition.isMessage(message)
        || message instanceof Delivery
        || message instanceof Confirmation
        || message instanceof EntityTimers.Fired;
  }

  @Override
  public String describe() {
    return "[" + entityId + "] of type [" + definition.entityType() + "]";
  }

  @Override
  public CommandHandler<Object, MessageEnvelope, EntityState> commandHandler() {
    return (state, command) -> {
      if (command instanceof Batch batch) {
        return onBatch(state, batch);
      }
      return dispatch(state, command);
    };
  }

  /**
   * Handles held commands in order, each as if it had come alone, and writes what they logged
   * in one write at the end, after what was left pending by a write cut at a checkpoint boundary
   * (the group commit behaviour cuts batches at max-batch-size; an empty batch writes what is
   * pending).
   */
  private Effect<MessageEnvelope, EntityState> onBatch(EntityState state, Batch batch) {
    inBatch = true;
    try {
      for (Object command : batch.messages()) {
        // Never a write while inBatch (see receive).
        dispatch(state, command);
      }
    } finally {
      inBatch = false;
    }
    return stopping != Stopping.NO ? Effect().none() : flush();
  }

  /**
   * One command. A new kind of command that must keep its place among the others belongs in
   * {@link #isOwnCommand} too, or it overtakes the commands held during a write.
   */
  private Effect<MessageEnvelope, EntityState> dispatch(EntityState state, Object command) {
    if (stopping != Stopping.NO) {
      return whileStopping(command);
    }
    if (command instanceof EntityTimers.Fired fired) {
      if (!timers.accept(fired)) {
        return Effect().none(); // cancelled or started again since it was sent
      }
      if (fired.key() == Redeliver.KEY) {
        redeliver(state);
        return Effect().none();
      }
      String key = (String) fired.key();
      PendingTimer timer = current(state).timers().get(key);
      return timer == null ? Effect().none() : receive(state, timer.message(), key, null);
    }
    if (command instanceof Delivery delivery) {
      return onDelivery(state, delivery);
    }
    if (command instanceof Confirmation confirmation) {
      return onConfirmation(state, confirmation);
    }
    if (definition.isMessage(command)) {
      return receive(state, command, null, null);
    }
    log().warn(
        "Entity [{}] of type [{}] got a message of class [{}], which is not a [{}]; ignored",
        entityId, definition.entityType(), command.getClass().getName(),
        definition.messageType().getName());
    return Effect().unhandled();
  }

  /** After a failed recovery no message is handled: the entity stops or restarts. */
  private Effect<MessageEnvelope, EntityState> whileStopping(Object command) {
    if (command == Stop.INSTANCE) {
      if (stopping == Stopping.FALLING_BACK) {
        // A new incarnation recovers from a snapshot at or below guard.snapshotCeiling().
        stage.restart();
        return Effect().none();
      }
      return Effect().stop();
    }
    if (!(command instanceof EntityTimers.Fired)) {
      log().warn(
          "Entity [{}] of type [{}] drops a message of class [{}]: its recovery failed",
          entityId, definition.entityType(), command.getClass().getName());
    }
    return Effect().none();
  }

  /** The state the next message is handled on: after the pending batch, if there is one. */
  private EntityState current(EntityState durable) {
    return pending.isEmpty() ? durable : tentative;
  }

  /**
   * A message on a reliable channel: applied if it is the next of its channel, confirmed at once
   * if already applied and durable, dropped otherwise (an earlier one is missing or it is in the
   * pending batch; the sender retransmits in order).
   */
  private Effect<MessageEnvelope, EntityState> onDelivery(EntityState durable, Delivery d) {
    long durableHighest = durable.channels().received().getOrDefault(d.from(), 0L);
    if (d.seq() <= durableHighest) {
      d.replyTo().tell(new Confirmation(persistenceId().id(), durableHighest));
      return Effect().none();
    }
    long highest = current(durable).channels().received().getOrDefault(d.from(), 0L);
    if (d.seq() != highest + 1) {
      return Effect().none();
    }
    return receive(durable, d.message(), null, d);
  }

  /** A confirmation that drops outbox entries is logged; a stale one is ignored. */
  private Effect<MessageEnvelope, EntityState> onConfirmation(
      EntityState durable, Confirmation c) {
    Channels.Outbox channel = current(durable).channels().outbox().get(c.receiver());
    if (channel == null || channel.unconfirmed().isEmpty()
        || channel.unconfirmed().get(0).seq() > c.seq()) {
      return Effect().none();
    }
    return receive(durable, c, null, null);
  }

  /**
   * Handles a message on the state after the pending batch and adds it to the batch, with its
   * outputs held until the batch is durable.
   *
   * @param delivery the reliable-channel delivery that carried it, or null
   */
  private Effect<MessageEnvelope, EntityState> receive(
      EntityState durable, Object message, String timerKey, Delivery delivery) {
    EntityState base = current(durable);
    long sequenceNr = base.sequenceNr() + 1;
    MessageEnvelope envelope =
        new MessageEnvelope(
            message, System.currentTimeMillis(), ThreadLocalRandom.current().nextLong(), writer,
            timerKey, delivery == null ? null : delivery.from(),
            delivery == null ? 0L : delivery.seq(), false);
    MessageStep.Result step;
    try {
      step = step().apply(base, envelope, self(), handlerLog);
    } catch (Exception e) {
      String failure = e instanceof MessageStep.NoHandler
          ? "[REV-E002] Entity [{}] of type [{}] has no handler for message class [{}] at"
              + " sequence number [{}]"
          : e instanceof MessageStep.NullState
              ? "[REV-E004] Handler of entity [{}] of type [{}] returned a null state for"
                  + " message class [{}] at sequence number [{}]"
              : "[REV-E003] Handler of entity [{}] of type [{}] threw on message class [{}] at"
                  + " sequence number [{}]";
      if (delivery == null) {
        log().warn(failure + "; the message is not logged and the state is unchanged",
            entityId, definition.entityType(), message.getClass().getName(), sequenceNr, e);
        return Effect().none();
      }
      log().error(failure + "; it came from [{}] on a reliable channel, so it is recorded as"
              + " delivered without effect [REV-E021]",
          entityId, definition.entityType(), message.getClass().getName(), sequenceNr,
          delivery.from(), e);
      envelope = new MessageEnvelope(message, envelope.receivedAtMillis(), envelope.seed(),
          writer, null, delivery.from(), delivery.seq(), true);
      try {
        step = step().apply(base, envelope, self(), handlerLog);
      } catch (Exception impossible) {
        throw new IllegalStateException("recording a rejected delivery failed", impossible);
      }
    }
    if (settings.validateSerialization()) {
      Try<byte[]> bytes = serialization.serialize(envelope);
      if (bytes.isFailure()) {
        log().error(
            "[REV-E005] Message of class [{}] to entity [{}] of type [{}] cannot be serialized;"
                + " it is not logged and the state is unchanged: {}",
            message.getClass().getName(), entityId, definition.entityType(),
            bytes.failed().get().toString());
        return Effect().none();
      }
    }
    List<Output> outputs = step.outputs();
    if (delivery != null) {
      outputs = new ArrayList<>(outputs);
      outputs.add(new Output.Tell(
          (ActorRef<Object>) (ActorRef<?>) delivery.replyTo(),
          new Confirmation(persistenceId().id(), delivery.seq())));
    }
    pending.add(new Pending(envelope, step.after(), outputs));
    tentative = step.after();
    // In a batch the write is made once, at its end. Alone, the message is written now: what
    // arrives during the write is held by the group commit behaviour and comes back as the next
    // batch. (Until 2026-11-27 a lone message waited for a Flush sent to self, so that messages
    // already queued joined its write; since that behaviour holds them, that trip through every
    // layer of the entity's behaviour and Akka Persistence's command handling only cost time.)
    return inBatch ? Effect().none() : flush();
  }

  private MessageStep<M, S> step() {
    return messageStep;
  }

  /**
   * Writes the pending messages, at most max-batch-size, and no further than the next checkpoint
   * boundary: Akka snapshots after a write that reaches a multiple of every-messages, at the
   * write's last message, so a write that ran past the boundary would move the snapshot (and
   * lengthen the replay after it) by up to a batch. What is left stays pending and is written
   * first in the next write: the group commit behaviour hands over the next batch as soon as this
   * write is done, an empty one if nothing is held ({@link #pending()}).
   */
  private Effect<MessageEnvelope, EntityState> flush() {
    if (pending.isEmpty()) {
      return Effect().none();
    }
    if (pending.size() == 1) {
      // One message (every message of a closed loop): Akka's single-event path, and none of
      // the lists a batch needs. A single message never crosses a checkpoint boundary.
      Pending only = pending.remove(0);
      inFlight.addLast(only);
      tentative = null;
      writing = true;
      return Effect().persist(only.envelope()).thenRun(() -> release(only));
    }
    int n = Math.min(pending.size(), settings.maxBatchSize());
    long every = checkpointPolicy.everyMessages();
    for (int i = 0; i < n; i++) {
      if (pending.get(i).after().sequenceNr() % every == 0) {
        n = i + 1;
        break;
      }
    }
    List<Pending> head = pending.subList(0, n);
    List<Pending> batch = List.copyOf(head);
    List<MessageEnvelope> events = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      events.add(p.envelope());
    }
    inFlight.addAll(batch);
    head.clear();
    if (pending.isEmpty()) {
      tentative = null;
    }
    writing = true;
    // A batch cut to one message at a checkpoint boundary takes the single-event path too.
    return (events.size() == 1 ? Effect().persist(events.get(0)) : Effect().persist(events))
        .thenRun(() -> release(batch));
  }

  /** Runs once the batch is durable: outputs in the order their handlers produced them. */
  private void release(List<Pending> batch) {
    writing = false;
    for (Pending p : batch) {
      emit(p);
    }
  }

  /** Runs once the message is durable, as {@link #release(List)}. */
  private void release(Pending only) {
    writing = false;
    emit(only);
  }

  /** The outputs of one handled message, in the order its handler produced them. */
  private void emit(Pending p) {
    for (Output output : p.outputs()) {
      if (output instanceof Output.Tell tell) {
        tell.target().tell(tell.message());
      } else if (output instanceof Output.StartTimer start) {
        timers.startSingle(start.key(), start.delay());
      } else if (output instanceof Output.CancelTimer cancel) {
        timers.cancel(cancel.key());
      } else if (output instanceof Output.Deliver deliver) {
        send(deliver.target(), deliver.seq(), deliver.message());
        if (!timers.isActive(Redeliver.KEY)) {
          timers.startWithFixedDelay(Redeliver.KEY, settings.redeliverInterval());
        }
      }
    }
  }

  /** Sends every unconfirmed delivery of the durable state again; stops when none is left. */
  private void redeliver(EntityState durable) {
    boolean any = false;
    for (Channels.Outbox channel : durable.channels().outbox().values()) {
      for (Channels.Unconfirmed u : channel.unconfirmed()) {
        any = true;
        send(channel.target(), u.seq(), u.message());
      }
    }
    if (!any) {
      timers.cancel(Redeliver.KEY);
    }
  }

  @SuppressWarnings("unchecked")
  private void send(dev.revenant.EntityAddress<?> target, long seq, Object message) {
    router.tell(target, new Delivery(persistenceId().id(), seq, message,
        (ActorRef<Confirmation>) (ActorRef<?>) context.getSelf()));
  }

  // ---------------------------------------------------------------- events and replay

  @Override
  public EventHandler<EntityState, MessageEnvelope> eventHandler() {
    return (state, envelope) -> {
      Pending head = inFlight.peekFirst();
      if (head != null && head.envelope() == envelope) {
        // Written live: the handler already ran before the write.
        inFlight.pollFirst();
        return head.after();
      }
      return replay(state, envelope);
    };
  }

  @SuppressWarnings("unchecked")
  private EntityState replay(EntityState state, MessageEnvelope envelope) {
    if (replayFailure != null || state.user() instanceof UnreadableSnapshot) {
      return state; // recovery will not complete normally; see onRecovered
    }
    replayed++;
    long sequenceNr = state.sequenceNr() + 1;
    long stored = stage.lastSequenceNumber();
    if (stored != sequenceNr) {
      replayFailure =
          "[REV-E012] Entity [" + entityId + "] of type [" + definition.entityType()
              + "] found sequence number [" + stored + "] in its journal where [" + sequenceNr
              + "] was expected: entries are missing (a gap, or a log truncated past the"
              + " snapshots that could be read). Recovery stops here; restore the missing"
              + " entries or a readable snapshot.";
      return state;
    }
    if (envelope.writer() != replayWriter) {
      if (replayWriters.contains(envelope.writer())) {
        replayFailure =
            "[REV-E013] Entity [" + entityId + "] of type [" + definition.entityType()
                + "] has entries of writer [" + Long.toHexString(envelope.writer())
                + "] again at sequence number [" + sequenceNr + "], after writer ["
                + Long.toHexString(replayWriter) + "] had taken over: two incarnations wrote"
                + " interleaved. Recovery stops here; inspect the log.";
        return state;
      }
      replayWriters.add(envelope.writer());
      replayWriter = envelope.writer();
    }
    try {
      return step().apply(state, envelope, self(), null).after();
    } catch (Exception e) {
      String messageClass = envelope.message().getClass().getName();
      replayFailure = e instanceof MessageStep.NoHandler
          ? "[REV-E010] Entity [" + entityId + "] of type [" + definition.entityType()
              + "] cannot replay sequence number [" + sequenceNr + "]: no handler for message"
              + " class [" + messageClass + "]. Restore the handler."
          : "[REV-E011] Entity [" + entityId + "] of type [" + definition.entityType()
              + "] failed to replay sequence number [" + sequenceNr + "], message class ["
              + messageClass + "]: the handler threw [" + e + "]. It succeeded when the"
              + " message was first handled, so the handler is not deterministic or changed"
              + " since. Recovery stops here.";
      replayFailureCause = e;
      return state;
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public SignalHandler<EntityState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(
            RecoveryFailed.class,
            (state, failed) ->
                log().error(
                    "Entity [{}] of type [{}] failed to recover after replaying [{}] messages",
                    entityId, definition.entityType(), replayed, failed.getFailure()))
        .onSignal(
            SnapshotFailed.class,
            (state, failed) ->
                log().warn(
                    "Entity [{}] of type [{}] could not save a snapshot at sequence number [{}];"
                        + " recovery will replay more messages until the next one",
                    entityId, definition.entityType(), failed.metadata().sequenceNr(),
                    failed.getFailure()))
        .onSignal(PreRestart.instance(), state -> forgetIncarnation())
        .onSignal(PostStop.instance(), state -> timers.cancelAll())
        .build();
  }

  /**
   * A restart (after a failed write, or to fall back to an older snapshot): nothing of the last
   * incarnation is carried over; its timers start again from the recovered state.
   */
  private void forgetIncarnation() {
    timers.cancelAll();
    recovered = false;
    writing = false;
    inBatch = false;
    pending.clear();
    inFlight.clear();
    tentative = null;
    replayed = 0;
    replayWriter = 0;
    replayWriters.clear();
    replayFailure = null;
    replayFailureCause = null;
    recoveryStartNanos = System.nanoTime();
  }

  private void onRecovered(EntityState state) {
    recovered = true;
    writing = false;
    pending.clear();
    inFlight.clear();
    tentative = null;
    if (state.user() instanceof UnreadableSnapshot unreadable) {
      guard.skipSnapshotsFrom(unreadable.sequenceNr());
      log().warn(
          "[REV-W001] Entity [{}] of type [{}] cannot read its snapshot at sequence number [{}]"
              + " ({}); it restarts from an older snapshot and a longer replay",
          entityId, definition.entityType(), unreadable.sequenceNr(), unreadable.reason());
      stopping = Stopping.FALLING_BACK;
      context.getSelf().tell(Stop.INSTANCE);
      return;
    }
    long highest = stage.lastSequenceNumber();
    if (replayFailure == null && highest > state.sequenceNr()) {
      replayFailure =
          "[REV-E012] Entity [" + entityId + "] of type [" + definition.entityType()
              + "] has a journal up to sequence number [" + highest + "] but recovery reached"
              + " only [" + state.sequenceNr() + "]: entries are missing (a log truncated past"
              + " the snapshots that could be read). The entity does not start from an"
              + " incomplete state.";
    }
    if (replayFailure != null) {
      log().error(replayFailure, replayFailureCause);
      stopping = Stopping.FAILED;
      context.getSelf().tell(Stop.INSTANCE);
      return;
    }
    RecoveryReport report =
        new RecoveryReport(
            definition.entityType(),
            entityId,
            state.sequenceNr() - replayed,
            replayed,
            state.sequenceNr(),
            Duration.ofNanos(System.nanoTime() - recoveryStartNanos));
    log().info(
        "Entity [{}] of type [{}] recovered: snapshot sequence number [{}], messages replayed"
            + " [{}], highest sequence number [{}], in [{} ms]",
        entityId, definition.entityType(), report.snapshotSequenceNr(), report.messagesReplayed(),
        report.highestSequenceNr(), report.duration().toMillis());
    context.getSystem().eventStream().tell(new EventStream.Publish<>(report));
    redeliver(state);
    if (state.channels().outbox().values().stream().anyMatch(o -> !o.unconfirmed().isEmpty())) {
      timers.startWithFixedDelay(Redeliver.KEY, settings.redeliverInterval());
    }
    long now = System.currentTimeMillis();
    for (Map.Entry<String, PendingTimer> t : state.timers().entrySet()) {
      Duration left = Duration.ofMillis(Math.max(0, t.getValue().dueAtMillis() - now));
      timers.startSingle(t.getKey(), left);
    }
    replayed = 0;
  }

  @SuppressWarnings("unchecked")
  private ActorRef<M> self() {
    return (ActorRef<M>) (ActorRef<?>) context.getSelf();
  }

  private Logger log() {
    return context.getLog();
  }
}
