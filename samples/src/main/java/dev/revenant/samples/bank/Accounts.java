package dev.revenant.samples.bank;

import dev.revenant.Recoverable;
import dev.revenant.RecoverableBehavior;
import dev.revenant.samples.bank.AccountMsg.Deposit;
import dev.revenant.samples.bank.AccountMsg.GetBalance;
import dev.revenant.samples.bank.AccountMsg.Withdraw;
import dev.revenant.samples.bank.AccountReply.Balance;
import dev.revenant.samples.bank.AccountReply.InsufficientFunds;
import dev.revenant.samples.bank.AccountReply.Rejected;
import java.util.regex.Pattern;

/** The bank account entity, defined with Revenant. */
public final class Accounts {
  /** The entity type name; part of every persistence id, so it never changes. */
  public static final String ENTITY_TYPE = "account";

  /** Valid account ids: they double as actor names, so they are kept to this safe alphabet. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private Accounts() {}

  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * The account definition. Handlers reply through the context, so a reply leaves only once the
   * message is durable in the journal; a rejected operation replies and keeps the state.
   */
  public static RecoverableBehavior<AccountMsg, Account> behavior() {
    return Recoverable.define(ENTITY_TYPE, AccountMsg.class, Account.EMPTY)
        .on(Deposit.class, (state, msg, ctx) -> {
          if (msg.amount() <= 0) {
            ctx.reply(msg.replyTo(), new Rejected(
                "amount must be a positive integer, was [" + msg.amount() + "]", state.balance()));
            return state;
          }
          if (msg.amount() > Long.MAX_VALUE - state.balance()) {
            ctx.reply(msg.replyTo(), new Rejected(
                "deposit would take the balance above " + Long.MAX_VALUE, state.balance()));
            return state;
          }
          Account next = new Account(state.balance() + msg.amount());
          ctx.reply(msg.replyTo(), new Balance(next.balance(), ctx.self()));
          return next;
        })
        .on(Withdraw.class, (state, msg, ctx) -> {
          if (msg.amount() <= 0) {
            ctx.reply(msg.replyTo(), new Rejected(
                "amount must be a positive integer, was [" + msg.amount() + "]", state.balance()));
            return state;
          }
          if (msg.amount() > state.balance()) {
            ctx.reply(msg.replyTo(), new InsufficientFunds(state.balance(), msg.amount()));
            return state;
          }
          Account next = new Account(state.balance() - msg.amount());
          ctx.reply(msg.replyTo(), new Balance(next.balance(), ctx.self()));
          return next;
        })
        .on(GetBalance.class, (state, msg, ctx) -> {
          ctx.reply(msg.replyTo(), new Balance(state.balance(), ctx.self()));
          return state;
        })
        .build();
  }
}
