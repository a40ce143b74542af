package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
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

  /**
   * The answer to a request with an idempotency key: what was asked the first time the key was
   * used ({@code operation} "deposit" or "withdraw", and {@code amount}) and its
   * {@code outcome}. Every repeat of the key gets this same answer, so a caller can tell a true
   * repeat from a key reused for a different request.
   */
  record Keyed(
      String operation,
      long amount,
      // The outcome is one of several records: its class goes with it, or Jackson could not
      // read it back (on another node, or from a snapshot of the answers kept for the key).
      @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) AccountReply outcome)
      implements AccountReply {}
}
