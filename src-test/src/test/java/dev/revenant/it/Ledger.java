package dev.revenant.it;

import akka.actor.typed.ActorRef;
import dev.revenant.CheckpointPolicy;
import dev.revenant.JournalSerializable;
import dev.revenant.Recoverable;
import dev.revenant.RecoverableBehavior;

/** A ledger entity for the cross-module tests: a running total and a checksum of the order. */
final class Ledger {
  private Ledger() {}

  sealed interface Msg extends JournalSerializable permits Post, Read, Fail {}

  record Post(long amount, ActorRef<Totals> replyTo) implements Msg {}

  record Read(ActorRef<Totals> replyTo) implements Msg {}

  record Fail(ActorRef<Totals> replyTo) implements Msg {}

  /** {@code checksum} depends on the order of posts, so a reordering shows. */
  record Totals(long total, long count, long checksum) implements JournalSerializable {
    Totals post(long amount) {
      return new Totals(total + amount, count + 1, checksum * 31 + amount);
    }
  }

  static RecoverableBehavior<Msg, Totals> behavior(CheckpointPolicy policy) {
    return Recoverable.define("ledger", Msg.class, new Totals(0, 0, 0))
        .on(Post.class, (s, m, ctx) -> {
          Totals next = s.post(m.amount());
          ctx.reply(m.replyTo(), next);
          return next;
        })
        .on(Read.class, (s, m, ctx) -> {
          ctx.reply(m.replyTo(), s);
          return s;
        })
        .on(Fail.class, (s, m, ctx) -> {
          ctx.reply(m.replyTo(), new Totals(-1, -1, -1));
          throw new IllegalArgumentException("refused by the handler");
        })
        .checkpoint(policy)
        .build();
  }
}
