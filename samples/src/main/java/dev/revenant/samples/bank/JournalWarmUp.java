package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import dev.revenant.RecoverableBehavior;
import dev.revenant.RecoveryReport;
import java.util.concurrent.CompletableFuture;

/**
 * Starts the journal before the node says it is ready: recovers one probe account (an id no
 * client can use, so nothing is ever written for it) and completes {@code done} with its
 * recovery report. Recovery opens the database, creates the schema on first start and reads
 * from it, so a journal that cannot start is found at start-up rather than by the first client.
 */
final class JournalWarmUp {
  /** Outside the account id alphabet, so it can never be a client's account. */
  static final String PROBE_ID = "~journal-warm-up";

  private JournalWarmUp() {}

  private sealed interface Event {}

  private record Recovered(RecoveryReport report) implements Event {}

  private record ProbeStopped() implements Event {}

  static Behavior<?> create(
      RecoverableBehavior<AccountMsg, Account> accounts, CompletableFuture<RecoveryReport> done) {
    return Behaviors.<Event>setup(ctx -> {
      // Subscribed before the probe exists, so its report cannot be missed.
      ActorRef<RecoveryReport> reports = ctx.messageAdapter(RecoveryReport.class, Recovered::new);
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(RecoveryReport.class,
          reports));
      ActorRef<AccountMsg> probe = ctx.spawn(accounts.create(PROBE_ID), "probe");
      ctx.watchWith(probe, new ProbeStopped());
      return Behaviors.receive(Event.class)
          .onMessage(Recovered.class, r -> {
            if (r.report().entityType().equals(accounts.entityType())
                && r.report().entityId().equals(PROBE_ID)) {
              done.complete(r.report());
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onMessage(ProbeStopped.class, stopped -> {
            done.completeExceptionally(new IllegalStateException(
                "the journal probe account stopped before it recovered (see the log above)"));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
