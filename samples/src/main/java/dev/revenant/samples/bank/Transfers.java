package dev.revenant.samples.bank;

import dev.revenant.EntityAddress;
import dev.revenant.Recoverable;
import dev.revenant.RecoverableBehavior;
import dev.revenant.RecoverableContext;
import dev.revenant.samples.bank.Transfer.Phase;
import dev.revenant.samples.bank.TransferMsg.CreditRefused;
import dev.revenant.samples.bank.TransferMsg.Credited;
import dev.revenant.samples.bank.TransferMsg.DebitRefused;
import dev.revenant.samples.bank.TransferMsg.Debited;
import dev.revenant.samples.bank.TransferMsg.Get;
import dev.revenant.samples.bank.TransferMsg.RetryRefund;
import dev.revenant.samples.bank.TransferMsg.Start;
import dev.revenant.samples.bank.TransferReply.Invalid;
import dev.revenant.samples.bank.TransferReply.Status;
import dev.revenant.samples.bank.TransferReply.Unknown;
import java.time.Duration;

/**
 * The transfer entity: one per transfer id, a small saga over the runtime's reliable channels.
 *
 * <pre>
 *   Start ──▶ deliver Debit(amount) to from ──▶ Debited ──▶ deliver Credit(amount) to to ──▶
 *   Credited ──▶ COMPLETED
 *                                          └─▶ DebitRefused ──▶ REJECTED (nothing moved)
 *   (to refuses the credit, only if its balance would overflow: CreditRefused ──▶ deliver
 *    Credit(amount) to from, a refund ──▶ Credited ──▶ REJECTED)
 * </pre>
 *
 * <p>Every arrow between entities is {@code ctx.deliver}: sent once the sending message is
 * durable, retransmitted across crashes and fail-over until the receiver has logged it, applied
 * there once. So a transfer debits once, credits once, and money is never created or destroyed;
 * between the debit and the credit it is "in flight", held by the pending transfer. The id is
 * the idempotency key: a repeated start answers how the transfer stands and starts nothing.
 */
public final class Transfers {
  /** The entity type name; part of every persistence id, so it never changes. */
  public static final String ENTITY_TYPE = "transfer";

  /** How long a refused refund (practically impossible: see Accounts) waits before a retry. */
  static final Duration REFUND_RETRY = Duration.ofSeconds(10);

  private Transfers() {}

  /** The address of transfer {@code id}, for accounts to answer on. */
  public static EntityAddress<TransferMsg> address(String id) {
    return new EntityAddress<>(ENTITY_TYPE, TransferMsg.class.getName(), id);
  }

  /** The transfer definition; {@code accounts} is the account entity it debits and credits. */
  public static RecoverableBehavior<TransferMsg, Transfer> behavior(
      RecoverableBehavior<AccountMsg, Account> accounts) {
    return Recoverable.define(ENTITY_TYPE, TransferMsg.class, Transfer.NEW)
        .on(Start.class, (state, msg, ctx) -> {
          if (state.phase() != Phase.NEW) {
            ctx.reply(msg.replyTo(), status(ctx, state));
            return state;
          }
          String invalid = invalid(msg);
          if (invalid != null) {
            ctx.reply(msg.replyTo(), new Invalid(ctx.entityId(), invalid));
            return state;
          }
          Transfer next = new Transfer(Phase.DEBITING, msg.from(), msg.to(), msg.amount(), null);
          ctx.deliver(accounts.address(next.from()),
              new AccountMsg.Debit(ctx.entityId(), next.amount(), address(ctx.entityId())));
          ctx.reply(msg.replyTo(), status(ctx, next));
          return next;
        })
        .on(Get.class, (state, msg, ctx) -> {
          ctx.reply(msg.replyTo(), state.phase() == Phase.NEW
              ? new Unknown(ctx.entityId())
              : status(ctx, state));
          return state;
        })
        .on(Debited.class, (state, msg, ctx) -> {
          if (state.phase() != Phase.DEBITING || !msg.account().equals(state.from())) {
            return unexpected(state, msg, ctx);
          }
          ctx.deliver(accounts.address(state.to()),
              new AccountMsg.Credit(ctx.entityId(), state.amount(), address(ctx.entityId())));
          return state.withPhase(Phase.CREDITING, null);
        })
        .on(DebitRefused.class, (state, msg, ctx) -> {
          if (state.phase() != Phase.DEBITING || !msg.account().equals(state.from())) {
            return unexpected(state, msg, ctx);
          }
          return state.withPhase(Phase.REJECTED, msg.reason());
        })
        .on(Credited.class, (state, msg, ctx) -> {
          if (state.phase() == Phase.CREDITING && msg.account().equals(state.to())) {
            return state.withPhase(Phase.COMPLETED, null);
          }
          if (state.phase() == Phase.REFUNDING && msg.account().equals(state.from())) {
            return state.withPhase(Phase.REJECTED, state.reason());
          }
          return unexpected(state, msg, ctx);
        })
        .on(CreditRefused.class, (state, msg, ctx) -> {
          if (state.phase() == Phase.CREDITING && msg.account().equals(state.to())) {
            ctx.log().warn("Transfer [{}]: [{}] refused the credit ({}); refunding [{}]",
                ctx.entityId(), state.to(), msg.reason(), state.from());
            refund(state, ctx, accounts);
            return state.withPhase(Phase.REFUNDING, msg.reason());
          }
          if (state.phase() == Phase.REFUNDING && msg.account().equals(state.from())) {
            // The source's balance grew so close to the limit meanwhile that the refund does
            // not fit; the amount stays with the transfer (pending) and the refund is retried.
            ctx.log().error("Transfer [{}]: [{}] refused the refund of {} ({}); retrying in {}",
                ctx.entityId(), state.from(), state.amount(), msg.reason(), REFUND_RETRY);
            ctx.startSingleTimer("refund", new RetryRefund(0), REFUND_RETRY);
            return state;
          }
          return unexpected(state, msg, ctx);
        })
        .on(RetryRefund.class, (state, msg, ctx) -> {
          if (state.phase() == Phase.REFUNDING) {
            refund(state, ctx, accounts);
          }
          return state;
        })
        .build();
  }

  private static void refund(Transfer state, RecoverableContext<TransferMsg> ctx,
      RecoverableBehavior<AccountMsg, Account> accounts) {
    ctx.deliver(accounts.address(state.from()),
        new AccountMsg.Credit(ctx.entityId(), state.amount(), address(ctx.entityId())));
  }

  /** Why a start cannot be accepted, or null. The HTTP layer checks the same first. */
  static String invalid(Start msg) {
    if (!Accounts.isValidId(msg.from())) {
      return "from: " + TransferRequest.badAccountId(msg.from());
    }
    if (!Accounts.isValidId(msg.to())) {
      return "to: " + TransferRequest.badAccountId(msg.to());
    }
    if (msg.from().equals(msg.to())) {
      return TransferRequest.sameAccounts(msg.from());
    }
    if (msg.amount() <= 0) {
      return "amount must be a positive integer, was [" + msg.amount() + "]";
    }
    return null;
  }

  private static Status status(RecoverableContext<TransferMsg> ctx, Transfer t) {
    return new Status(ctx.entityId(), t.phase().state(), t.from(), t.to(), t.amount(),
        t.phase() == Phase.REJECTED ? t.reason() : null);
  }

  /** An answer that does not fit the phase; cannot happen on reliable channels, so logged. */
  private static Transfer unexpected(
      Transfer state, TransferMsg msg, RecoverableContext<TransferMsg> ctx) {
    ctx.log().error("Transfer [{}] in phase {} ignores unexpected {}", ctx.entityId(),
        state.phase(), msg);
    return state;
  }
}
