package dev.revenant.bench;

import akka.actor.typed.Behavior;
import dev.revenant.CheckpointPolicy;
import dev.revenant.Recoverable;
import dev.revenant.RecoverableBehavior;
import dev.revenant.bench.Model.Add;
import dev.revenant.bench.Model.Ack;
import dev.revenant.bench.Model.Counter;
import dev.revenant.bench.Model.CounterMsg;

/** The actors under test. Each publishes a {@code RecoveryReport} when it has recovered. */
public final class Subjects {
  private Subjects() {}

  /** Something the drivers can spawn: an entity type and a behaviour per entity id. */
  public interface Kind {
    String entityType();

    Behavior<CounterMsg> create(String entityId);
  }

  static RecoverableBehavior<CounterMsg, Counter> revenant(
      String entityType, CheckpointPolicy policyOrNull) {
    RecoverableBehavior.Builder<CounterMsg, Counter> b =
        Recoverable.define(entityType, CounterMsg.class, new Counter(0, 0))
            .on(Add.class, (state, msg, ctx) -> {
              Counter next = new Counter(state.count() + 1, state.total() + msg.amount());
              ctx.reply(msg.replyTo(), new Ack(msg.entity(), next.count()));
              return next;
            });
    if (policyOrNull != null) {
      b.checkpoint(policyOrNull);
    }
    return b.build();
  }

  /** Revenant with the configured defaults (checkpoint every 1000, group commit on). */
  public static Kind revenant() {
    return of(revenant("bench-rev", null));
  }

  /** Revenant keeping its whole log and never snapshotting (diagnostic for the hot entity). */
  public static Kind revenantNoCheckpoint() {
    return of(revenant("bench-rev-nocp", CheckpointPolicy.everyMessages(Integer.MAX_VALUE)
        .keepSnapshots(1).keepingWholeLog()));
  }

  /** Revenant keeping its whole log and never snapshotting (replay workload). */
  public static Kind revenantNoSnapshot() {
    return of(revenant("bench-replay", CheckpointPolicy.everyMessages(Integer.MAX_VALUE)
        .keepSnapshots(1).keepingWholeLog()));
  }

  /** Revenant keeping its whole log with one snapshot every {@code every} messages. */
  public static Kind revenantSnapshotEvery(int every) {
    return of(revenant("bench-replay-snap", CheckpointPolicy.everyMessages(every)
        .keepSnapshots(1).keepingWholeLog()));
  }

  /** The hand-written EventSourcedBehavior: one persist per command. */
  public static Kind handWritten(String journalPluginId, String snapshotPluginId) {
    return kind(HandWritten.TYPE,
        id -> HandWritten.create(id, journalPluginId, snapshotPluginId));
  }

  /** Hand-written, persisting the command itself (what logging messages by hand costs). */
  public static Kind handWrittenLog(String journalPluginId, String snapshotPluginId) {
    return kind(HandWritten.TYPE_LOG,
        id -> HandWritten.createLogging(id, journalPluginId, snapshotPluginId));
  }

  static Kind of(RecoverableBehavior<CounterMsg, Counter> def) {
    return kind(def.entityType(), def::create);
  }

  private static Kind kind(
      String entityType, java.util.function.Function<String, Behavior<CounterMsg>> create) {
    return new Kind() {
      @Override
      public String entityType() {
        return entityType;
      }

      @Override
      public Behavior<CounterMsg> create(String entityId) {
        return create.apply(entityId);
      }
    };
  }
}
