package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import dev.revenant.RecoverableBehavior;
import dev.revenant.RecoverableCluster;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** How the HTTP layer reaches an account: the local registry, or cluster sharding. */
public interface AccountGateway {

  /** Sends the message built around a reply address to account {@code id}; the reply or a timeout. */
  CompletionStage<AccountReply> ask(
      String id, Function<ActorRef<AccountReply>, AccountMsg> message, Duration timeout);

  /** One node: the registry spawns each account as its child. */
  static AccountGateway local(ActorSystem<?> system, ActorRef<AccountRegistry.Command> registry) {
    return (id, message, timeout) ->
        AskPattern.ask(
            registry,
            (ActorRef<AccountReply> replyTo) ->
                new AccountRegistry.Deliver(id, message.apply(replyTo)),
            timeout,
            system.scheduler());
  }

  /** A cluster: each account lives on one node, placed by sharding, reachable from all. */
  static AccountGateway cluster(
      ActorSystem<?> system, RecoverableBehavior<AccountMsg, Account> accounts) {
    RecoverableCluster cluster = RecoverableCluster.get(system);
    cluster.init(accounts);
    return (id, message, timeout) ->
        cluster.entityRefFor(accounts, id).ask(message::apply, timeout);
  }
}
