package dev.revenant;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a recoverable actor is defined.
 *
 * <pre>{@code
 * RecoverableBehavior<AccountMsg, Account> accounts =
 *     Recoverable.define("account", AccountMsg.class, new Account(0))
 *         .on(Deposit.class, (state, msg, ctx) -> {
 *           Account next = new Account(state.balance() + msg.amount());
 *           ctx.reply(msg.replyTo(), new Balance(next.balance()));
 *           return next;
 *         })
 *         .on(GetBalance.class, (state, msg, ctx) -> {
 *           ctx.reply(msg.replyTo(), new Balance(state.balance()));
 *           return state;
 *         })
 *         .build();
 * ActorRef<AccountMsg> account = system.systemActorOf(accounts.create("alice"), "alice", Props.empty());
 * }</pre>
 */
public final class Recoverable {
  private static final Pattern ENTITY_TYPE = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  private Recoverable() {}

  /**
   * Starts the definition of a recoverable actor.
   *
   * @param entityType a name for this kind of actor, 1–100 characters of {@code [A-Za-z0-9_.-]};
   *     it is the first half of every persistence id, so it must never change once used
   * @param messageType the message type: ideally a sealed interface of records, so that
   *     {@code build()} can check every message class has a handler
   * @param initialState the state of an entity that has never received a message
   */
  public static <M extends JournalSerializable, S extends JournalSerializable>
      RecoverableBehavior.Builder<M, S> define(
          String entityType, Class<M> messageType, S initialState) {
    Objects.requireNonNull(entityType, "entityType");
    if (!ENTITY_TYPE.matcher(entityType).matches()) {
      throw new IllegalArgumentException(
          "[REV-E000] entity type must be 1-100 characters of [A-Za-z0-9_.-], was ["
              + entityType + "]");
    }
    Objects.requireNonNull(messageType, "messageType");
    Objects.requireNonNull(initialState, "initialState of entity type [" + entityType + "]");
    return new RecoverableBehavior.Builder<>(entityType, messageType, initialState);
  }
}
