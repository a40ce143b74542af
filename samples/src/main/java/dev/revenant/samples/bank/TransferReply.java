package dev.revenant.samples.bank;

import dev.revenant.JournalSerializable;

/** What a transfer answers. */
public sealed interface TransferReply extends JournalSerializable {

  /**
   * How the transfer stands, with its parameters as first accepted.
   *
   * @param state "pending", "completed" or "rejected"
   * @param reason why it was rejected; null otherwise
   */
  record Status(String id, String state, String from, String to, long amount, String reason)
      implements TransferReply {}

  /** No transfer with this id was ever started. */
  record Unknown(String id) implements TransferReply {}

  /** A start the transfer refused for {@code reason} (bad parameters); nothing was started. */
  record Invalid(String id, String reason) implements TransferReply {}
}
