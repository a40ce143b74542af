package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import dev.revenant.JournalSerializable;

/**
 * What a bank account entity understands. Every message is journaled (with its class name), so
 * these records must keep their names and packages once accounts exist.
 */
public sealed interface AccountMsg extends JournalSerializable {

  /** Where the answer goes; every account message is answered exactly once, when durable. */
  ActorRef<AccountReply> replyTo();

  /** Adds {@code amount} (positive) to the balance; answered with the new balance. */
  record Deposit(long amount, ActorRef<AccountReply> replyTo) implements AccountMsg {}

  /**
   * Takes {@code amount} (positive) from the balance; answered with the new balance, or with
   * {@link AccountReply.InsufficientFunds} (and no change) if the balance is smaller.
   */
  record Withdraw(long amount, ActorRef<AccountReply> replyTo) implements AccountMsg {}

  /** Answered with the current balance. */
  record GetBalance(ActorRef<AccountReply> replyTo) implements AccountMsg {}
}
