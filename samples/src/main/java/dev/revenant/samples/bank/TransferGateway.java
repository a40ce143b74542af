package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import dev.revenant.RecoverableBehavior;
import dev.revenant.RecoverableCluster;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** How the HTTP layer reaches a transfer entity. */
public interface TransferGateway {

  /** Sends the message built around a reply address to transfer {@code id}; the reply or a timeout. */
  CompletionStage<TransferReply> ask(
      String id, Function<ActorRef<TransferReply>, TransferMsg> message, Duration timeout);

  /** Through cluster sharding (a single node is a one-node cluster). */
  static TransferGateway cluster(
      ActorSystem<?> system, RecoverableBehavior<TransferMsg, Transfer> transfers) {
    RecoverableCluster cluster = RecoverableCluster.get(system);
    cluster.init(transfers);
    return (id, message, timeout) ->
        cluster.entityRefFor(transfers, id).ask(message::apply, timeout);
  }

  /** No transfers here (routes built around a bare account registry): every call fails. */
  static TransferGateway unavailable() {
    return (id, message, timeout) -> CompletableFuture.failedFuture(new Unavailable());
  }

  /** The failure of {@link #unavailable()}'s calls. */
  final class Unavailable extends RuntimeException {
    Unavailable() {
      super("transfers are not available on this node", null, false, false);
    }
  }
}
