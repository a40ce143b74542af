package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import dev.revenant.JournalSerializable;

/** What an account answers. */
public sealed interface AccountReply extends JournalSerializable {

  /**
   * The balance after the operation (or now, for a balance query), from {@code account}: its
   * address tells which node the account lives on.
   */
  record Balance(long balance, ActorRef<AccountMsg> account) implements AccountReply {}

  /** A withdrawal larger than the balance; nothing changed. */
  record InsufficientFunds(long balance, long requested) implements AccountReply {}

  /** An operation the account refused for {@code reason}; nothing changed. */
  record Rejected(String reason, long balance) implements AccountReply {}
}
