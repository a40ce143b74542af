package dev.revenant.samples.bank;

import dev.revenant.JournalSerializable;

/** What an account answers. */
public sealed interface AccountReply extends JournalSerializable {

  /** The balance after the operation (or now, for a balance query). */
  record Balance(long balance) implements AccountReply {}

  /** A withdrawal larger than the balance; nothing changed. */
  record InsufficientFunds(long balance, long requested) implements AccountReply {}

  /** An operation the account refused for {@code reason}; nothing changed. */
  record Rejected(String reason, long balance) implements AccountReply {}
}
