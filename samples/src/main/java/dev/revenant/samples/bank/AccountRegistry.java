package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import dev.revenant.RecoverableBehavior;
import java.util.HashMap;
import java.util.Map;

/**
 * Routes account messages to one child entity per account id, spawning it on first use (it then
 * recovers its balance from the journal). For an actor system without cluster sharding, where this
 * actor is the only place that spawns accounts, so there is at most one live entity per id.
 * {@link BankNode} does not use it: it shards accounts (a single node is a one-node cluster), so
 * that transfers can reach them with {@code context.deliver}; never run both on one journal.
 */
public final class AccountRegistry extends AbstractBehavior<AccountRegistry.Command> {

  /** The registry's protocol; local only, never journaled. */
  public sealed interface Command {}

  /** Delivers {@code message} to the account {@code accountId}. */
  public record Deliver(String accountId, AccountMsg message) implements Command {}

  private record AccountStopped(String accountId) implements Command {}

  private final RecoverableBehavior<AccountMsg, Account> accounts;
  private final Map<String, ActorRef<AccountMsg>> live = new HashMap<>();

  public static Behavior<Command> create(RecoverableBehavior<AccountMsg, Account> accounts) {
    return Behaviors.setup(ctx -> new AccountRegistry(ctx, accounts));
  }

  private AccountRegistry(
      ActorContext<Command> context, RecoverableBehavior<AccountMsg, Account> accounts) {
    super(context);
    this.accounts = accounts;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::deliver)
        .onMessage(AccountStopped.class, stopped -> {
          live.remove(stopped.accountId());
          return this;
        })
        .build();
  }

  private Behavior<Command> deliver(Deliver d) {
    if (!Accounts.isValidId(d.accountId())) {
      // The HTTP layer validates ids; this guards the actor names against other callers.
      if (d.message() instanceof AccountMsg.Request request) {
        request.replyTo().tell(new AccountReply.Rejected(
            "account id must be 1-64 characters of [A-Za-z0-9_-], was [" + d.accountId() + "]",
            0));
      }
      return this;
    }
    ActorRef<AccountMsg> account = live.get(d.accountId());
    if (account == null) {
      account = getContext().spawn(accounts.create(d.accountId()), d.accountId());
      getContext().watchWith(account, new AccountStopped(d.accountId()));
      live.put(d.accountId(), account);
    }
    account.tell(d.message());
    return this;
  }
}
