package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import dev.revenant.EntityAddress;
import dev.revenant.JournalSerializable;

/**
 * What a bank account entity understands. Every message is journaled (with its class name), so
 * these records must keep their names, packages and fields once accounts exist; new kinds of
 * message are new records.
 */
public sealed interface AccountMsg extends JournalSerializable {

  /** A request from outside (HTTP), answered exactly once at {@link #replyTo}, when durable. */
  sealed interface Request extends AccountMsg {
    /** Where the answer goes. */
    ActorRef<AccountReply> replyTo();
  }

  /** Adds {@code amount} (positive) to the balance; answered with the new balance. */
  record Deposit(long amount, ActorRef<AccountReply> replyTo) implements Request {}

  /**
   * Takes {@code amount} (positive) from the balance; answered with the new balance, or with
   * {@link AccountReply.InsufficientFunds} (and no change) if the balance is smaller.
   */
  record Withdraw(long amount, ActorRef<AccountReply> replyTo) implements Request {}

  /** Answered with the current balance. */
  record GetBalance(ActorRef<AccountReply> replyTo) implements Request {}

  /**
   * A {@link Deposit} with a client's idempotency key (the HTTP {@code Idempotency-Key}): the
   * first one with a key is applied and answered with {@link AccountReply.Keyed}; a repeat of
   * the key (within {@code revenant.idempotency.*}) gets that same answer and is not applied.
   */
  record KeyedDeposit(String idempotencyKey, long amount, ActorRef<AccountReply> replyTo)
      implements Request {}

  /** A {@link Withdraw} with a client's idempotency key; see {@link KeyedDeposit}. */
  record KeyedWithdraw(String idempotencyKey, long amount, ActorRef<AccountReply> replyTo)
      implements Request {}

  /**
   * From a transfer, on a reliable channel ({@code context.deliver}): takes {@code amount} from
   * the balance if it is large enough. Answered, on a reliable channel back to
   * {@code transfer}, with {@link TransferMsg.Debited} or {@link TransferMsg.DebitRefused}.
   */
  record Debit(String transferId, long amount, EntityAddress<TransferMsg> transfer)
      implements AccountMsg {}

  /**
   * From a transfer, on a reliable channel: adds {@code amount} to the balance (the credit of a
   * transfer, or the refund of one whose credit was refused). Answered, on a reliable channel
   * back to {@code transfer}, with {@link TransferMsg.Credited} or
   * {@link TransferMsg.CreditRefused}.
   */
  record Credit(String transferId, long amount, EntityAddress<TransferMsg> transfer)
      implements AccountMsg {}
}
