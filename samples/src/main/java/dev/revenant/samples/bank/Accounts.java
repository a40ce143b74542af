package dev.revenant.samples.bank;

import dev.revenant.Recoverable;
import dev.revenant.RecoverableBehavior;
import dev.revenant.RecoverableContext;
import dev.revenant.samples.bank.AccountMsg.Credit;
import dev.revenant.samples.bank.AccountMsg.Debit;
import dev.revenant.samples.bank.AccountMsg.Deposit;
import dev.revenant.samples.bank.AccountMsg.GetBalance;
import dev.revenant.samples.bank.AccountMsg.KeyedDeposit;
import dev.revenant.samples.bank.AccountMsg.KeyedWithdraw;
import dev.revenant.samples.bank.AccountMsg.Withdraw;
import dev.revenant.samples.bank.AccountReply.Balance;
import dev.revenant.samples.bank.AccountReply.InsufficientFunds;
import dev.revenant.samples.bank.AccountReply.Keyed;
import dev.revenant.samples.bank.AccountReply.Rejected;
import java.util.regex.Pattern;

/**
 * The bank account entity, defined with Revenant.
 *
 * <p>Requests from outside are answered through {@code ctx.reply}, so an answer leaves only once
 * the request is durable. Requests with an idempotency key are made idempotent by the runtime
 * ({@code idempotent(...)}): the first one with a key is applied, a repeat is answered with the
 * first answer and not applied again. Debits and credits of transfers arrive on reliable
 * channels ({@code ctx.deliver} at the transfer: applied exactly once) and are answered the same
 * way, with {@code ctx.deliver} back to the transfer.
 */
public final class Accounts {
  /** The entity type name; part of every persistence id, so it never changes. */
  public static final String ENTITY_TYPE = "account";

  /** Valid account ids: they double as actor names, so they are kept to this safe alphabet. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** What a debit of a transfer is refused with when the balance is too small. */
  public static final String INSUFFICIENT_FUNDS = "insufficient funds";

  private Accounts() {}

  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** The state after an operation and the answer to give. */
  private record Outcome(Account next, AccountReply reply) {}

  private static Outcome deposit(Account state, long amount, RecoverableContext<AccountMsg> ctx) {
    if (amount <= 0) {
      return new Outcome(state, new Rejected(
          "amount must be a positive integer, was [" + amount + "]", state.balance()));
    }
    if (amount > Long.MAX_VALUE - state.balance()) {
      return new Outcome(state, new Rejected(
          "deposit would take the balance above " + Long.MAX_VALUE, state.balance()));
    }
    Account next = new Account(state.balance() + amount);
    return new Outcome(next, new Balance(next.balance(), ctx.self()));
  }

  private static Outcome withdraw(Account state, long amount, RecoverableContext<AccountMsg> ctx) {
    if (amount <= 0) {
      return new Outcome(state, new Rejected(
          "amount must be a positive integer, was [" + amount + "]", state.balance()));
    }
    if (amount > state.balance()) {
      return new Outcome(state, new InsufficientFunds(state.balance(), amount));
    }
    Account next = new Account(state.balance() - amount);
    return new Outcome(next, new Balance(next.balance(), ctx.self()));
  }

  /**
   * The account definition. Handlers reply through the context, so a reply leaves only once the
   * message is durable in the journal; a rejected operation replies and keeps the state.
   */
  public static RecoverableBehavior<AccountMsg, Account> behavior() {
    return Recoverable.define(ENTITY_TYPE, AccountMsg.class, Account.EMPTY)
        .on(Deposit.class, (state, msg, ctx) -> {
          Outcome o = deposit(state, msg.amount(), ctx);
          ctx.reply(msg.replyTo(), o.reply());
          return o.next();
        })
        .on(Withdraw.class, (state, msg, ctx) -> {
          Outcome o = withdraw(state, msg.amount(), ctx);
          ctx.reply(msg.replyTo(), o.reply());
          return o.next();
        })
        .on(GetBalance.class, (state, msg, ctx) -> {
          ctx.reply(msg.replyTo(), new Balance(state.balance(), ctx.self()));
          return state;
        })
        .on(KeyedDeposit.class, (state, msg, ctx) -> {
          Outcome o = deposit(state, msg.amount(), ctx);
          ctx.reply(msg.replyTo(), new Keyed("deposit", msg.amount(), o.reply()));
          return o.next();
        })
        .on(KeyedWithdraw.class, (state, msg, ctx) -> {
          Outcome o = withdraw(state, msg.amount(), ctx);
          ctx.reply(msg.replyTo(), new Keyed("withdraw", msg.amount(), o.reply()));
          return o.next();
        })
        // One key space per account: a key is answered the same whichever request repeats it.
        .idempotent(KeyedDeposit.class, KeyedDeposit::idempotencyKey, KeyedDeposit::replyTo)
        .idempotent(KeyedWithdraw.class, KeyedWithdraw::idempotencyKey, KeyedWithdraw::replyTo)
        .on(Debit.class, (state, msg, ctx) -> {
          if (msg.amount() <= 0 || msg.amount() > state.balance()) {
            ctx.deliver(msg.transfer(), new TransferMsg.DebitRefused(ctx.entityId(),
                msg.amount() <= 0
                    ? "amount must be a positive integer, was [" + msg.amount() + "]"
                    : INSUFFICIENT_FUNDS));
            return state;
          }
          ctx.deliver(msg.transfer(), new TransferMsg.Debited(ctx.entityId(), msg.amount()));
          return new Account(state.balance() - msg.amount());
        })
        .on(Credit.class, (state, msg, ctx) -> {
          if (msg.amount() <= 0 || msg.amount() > Long.MAX_VALUE - state.balance()) {
            ctx.deliver(msg.transfer(), new TransferMsg.CreditRefused(ctx.entityId(),
                msg.amount() <= 0
                    ? "amount must be a positive integer, was [" + msg.amount() + "]"
                    : "the balance of [" + ctx.entityId() + "] would exceed " + Long.MAX_VALUE));
            return state;
          }
          ctx.deliver(msg.transfer(), new TransferMsg.Credited(ctx.entityId(), msg.amount()));
          return new Account(state.balance() + msg.amount());
        })
        .build();
  }
}
