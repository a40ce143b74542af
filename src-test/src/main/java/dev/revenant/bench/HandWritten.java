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
 * both in the same way.
 */
final class HandWritten extends EventSourcedBehavior<CounterMsg, Added, HwCounter> {
  static final String TYPE = "bench-hw";

  private final ActorContext<CounterMsg> ctx;
  private final String entityId;
  private final String journalPluginId;
  private final String snapshotPluginId;
  private final long startNanos = System.nanoTime();

  static Behavior<CounterMsg> create(String entityId, String journalPluginId, String snapshotPluginId) {
    return Behaviors.setup(ctx -> new HandWritten(ctx, entityId, journalPluginId, snapshotPluginId));
  }

  private HandWritten(
      ActorContext<CounterMsg> ctx, String entityId, String journalPluginId, String snapshotPluginId) {
    super(PersistenceId.of(TYPE, entityId));
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
  public CommandHandler<CounterMsg, Added, HwCounter> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Add.class, (state, cmd) ->
            Effect().persist(new Added(cmd.amount()))
                .thenRun(next -> cmd.replyTo().tell(new Ack(cmd.entity(), next.count()))))
        .build();
  }

  @Override
  public EventHandler<HwCounter, Added> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Added.class, (state, evt) -> new HwCounter(state.count() + 1, state.total() + evt.amount()))
        .build();
  }

  @Override
  public SignalHandler<HwCounter> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state ->
            ctx.getSystem().eventStream().tell(new EventStream.Publish<>(new RecoveryReport(
                TYPE, entityId, 0, state.count(), state.count(),
                Duration.ofNanos(System.nanoTime() - startNanos)))))
        .build();
  }
}
