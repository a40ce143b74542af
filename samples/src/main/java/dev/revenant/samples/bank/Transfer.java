package dev.revenant.samples.bank;

import dev.revenant.JournalSerializable;

/**
 * The state of one transfer.
 *
 * @param phase where it stands
 * @param from the account debited (null while {@link Phase#NEW})
 * @param to the account credited
 * @param amount what moves
 * @param reason why it was rejected (or why its credit was refused, while refunding); else null
 */
public record Transfer(Phase phase, String from, String to, long amount, String reason)
    implements JournalSerializable {

  /** A transfer that was never started. */
  public static final Transfer NEW = new Transfer(Phase.NEW, null, null, 0, null);

  /** The life of a transfer; only {@link #COMPLETED} and {@link #REJECTED} are final. */
  public enum Phase {
    /** Never started: the id is unknown. */
    NEW,
    /** Accepted; the debit of {@code from} is on its way. */
    DEBITING,
    /** {@code from} was debited; the credit of {@code to} is on its way. */
    CREDITING,
    /** {@code to} refused the credit; the amount goes back to {@code from}. */
    REFUNDING,
    /** {@code from} debited and {@code to} credited, each exactly once. */
    COMPLETED,
    /** Nothing moved (or what moved went back): see {@code reason}. */
    REJECTED;

    /** As HTTP shows it: pending, completed or rejected. */
    public String state() {
      return switch (this) {
        case COMPLETED -> "completed";
        case REJECTED -> "rejected";
        default -> "pending";
      };
    }
  }

  Transfer withPhase(Phase next, String why) {
    return new Transfer(next, from, to, amount, why);
  }
}
