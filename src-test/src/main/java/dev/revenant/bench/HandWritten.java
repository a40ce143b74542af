package dev.revenant.bench;

import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.SignalHandler;
import dev.revenant.JournalSerializable;
import dev.revenant.RecoveryReport;
import dev.revenant.bench.Model.Ack;
import dev.revenant.bench.Model.Add;
import dev.revenant.bench.Model.Added;
import dev.revenant.bench.Model.CounterMsg;
import dev.revenant.bench.Model.HwCounter;
import java.time.Duration;
import java.util.Optional;

/**
 * The baseline: what a developer writes by hand with akka-persistence-typed for the same work,
 * one {@code persist} per command, reply after the write; same journal plugins and serializer
 * as Revenant. It publishes a {@link RecoveryReport} like Revenant so the drivers can wait for
 * both in the same way. Its event is a 10-byte {@link Added}; the diagnostic variant ({@link
 * #TYPE_LOG}) persists the command itself, reply address included, as Revenant logs it.
 */
final class HandWritten extends EventSourcedBehavior<CounterMsg, JournalSerializable, HwCounter> {
  static final String TYPE = "bench-hw";
  static final String TYPE_LOG = "bench-hwlog";

  private final ActorContext<CounterMsg> ctx;
  private final String entityId;
  private final String journalPluginId;
  private final String snapshotPluginId;
  private final boolean logCommand;
  private final long startNanos = System.nanoTime();

  static Behavior<CounterMsg> create(String entityId, String journalPluginId, String snapshotPluginId) {
    return Behaviors.setup(
        ctx -> new HandWritten(ctx, entityId, journalPluginId, snapshotPluginId, false));
  }

  /** The diagnostic variant: the command is the event. */
  static Behavior<CounterMsg> createLogging(
      String entityId, String journalPluginId, String snapshotPluginId) {
    return Behaviors.setup(
        ctx -> new HandWritten(ctx, entityId, journalPluginId, snapshotPluginId, true));
  }

  private HandWritten(ActorContext<CounterMsg> ctx, String entityId, String journalPluginId,
      String snapshotPluginId, boolean logCommand) {
    super(PersistenceId.of(logCommand ? TYPE_LOG : TYPE, entityId));
    this.logCommand = logCommand;
    this.ctx = ctx;
    this.entityId = entityId;
    this.journalPluginId = journalPluginId;
    this.snapshotPluginId = snapshotPluginId;
  }

  @Override
  public HwCounter emptyState() {
    return new HwCounter(0, 0);
  }

  @Override
  public String journalPluginId() {
    return journalPluginId;
  }

  @Override
  public String snapshotPluginId() {
    return snapshotPluginId;
  }

  /** Large enough for the burst workload (Akka's default of 4096 would drop messages). */
  @Override
  public Optional<Integer> stashCapacity() {
    return Optional.of(1_000_000);
  }

  @Override
  public CommandHandler<CounterMsg, JournalSerializable, HwCounter> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Add.class, (state, cmd) ->
            Effect().persist(logCommand ? cmd : new Added(cmd.amount()))
                .thenRun(next -> cmd.replyTo().tell(new Ack(cmd.entity(), next.count()))))
        .build();
  }

  @Override
  public EventHandler<HwCounter, JournalSerializable> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Added.class, (state, evt) -> new HwCounter(state.count() + 1, state.total() + evt.amount()))
        .onEvent(Add.class, (state, cmd) -> new HwCounter(state.count() + 1, state.total() + cmd.amount()))
        .build();
  }

  @Override
  public SignalHandler<HwCounter> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state ->
            ctx.getSystem().eventStream().tell(new EventStream.Publish<>(new RecoveryReport(
                logCommand ? TYPE_LOG : TYPE, entityId, 0, state.count(), state.count(),
                Duration.ofNanos(System.nanoTime() - startNanos)))))
        .build();
  }
}
