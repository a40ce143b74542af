package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import dev.revenant.JournalSerializable;

/**
 * What a transfer entity understands. Journaled with their class names, like
 * {@link AccountMsg}: keep names, packages and fields once transfers exist.
 */
public sealed interface TransferMsg extends JournalSerializable {

  /**
   * From outside (HTTP): start this transfer of {@code amount} from account {@code from} to
   * account {@code to}, or, if it exists already, say how it stands. Answered with
   * {@link TransferReply.Status} (its stored parameters, for the caller to compare) or
   * {@link TransferReply.Invalid}.
   */
  record Start(String from, String to, long amount, ActorRef<TransferReply> replyTo)
      implements TransferMsg {}

  /** From outside: answered with {@link TransferReply.Status} or {@link TransferReply.Unknown}. */
  record Get(ActorRef<TransferReply> replyTo) implements TransferMsg {}

  /** From the debited account, on a reliable channel: {@code amount} was taken. */
  record Debited(String account, long amount) implements TransferMsg {}

  /** From the account to debit, on a reliable channel: nothing was taken, for {@code reason}. */
  record DebitRefused(String account, String reason) implements TransferMsg {}

  /** From a credited account (the target, or the source for a refund): {@code amount} added. */
  record Credited(String account, long amount) implements TransferMsg {}

  /** From an account to credit: nothing was added, for {@code reason}. */
  record CreditRefused(String account, String reason) implements TransferMsg {}

  /** Durable timer: deliver the refund to the source account again (attempt {@code attempt}). */
  record RetryRefund(int attempt) implements TransferMsg {}
}
