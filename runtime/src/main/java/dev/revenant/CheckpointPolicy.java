package dev.revenant;

/**
 * When a recoverable actor snapshots its state and which journal entries it then deletes.
 *
 * <p>A snapshot is taken after every {@link #everyMessages()} logged messages. The newest
 * {@link #keepSnapshots()} snapshots are kept; if {@link #deleteCoveredMessages()} is on, the
 * journal entries covered by the oldest kept snapshot are deleted, so a crash replays at most
 * {@code everyMessages} messages on top of the newest snapshot. Keep the whole log (for audit or
 * to rebuild any past state) with {@link #keepingWholeLog()}.
 *
 * @param everyMessages snapshot after this many messages (at least 1)
 * @param keepSnapshots how many snapshots to keep (at least 1)
 * @param deleteCoveredMessages delete journal entries covered by the oldest kept snapshot
 */
public record CheckpointPolicy(int everyMessages, int keepSnapshots, boolean deleteCoveredMessages) {

  /** The defaults: every 1000 messages, keep 2 snapshots, delete the covered log entries. */
  public static final CheckpointPolicy DEFAULT = new CheckpointPolicy(1000, 2, true);

  public CheckpointPolicy {
    if (everyMessages < 1) {
      throw new IllegalArgumentException(
          "CheckpointPolicy.everyMessages must be at least 1, was [" + everyMessages + "]");
    }
    if (keepSnapshots < 1) {
      throw new IllegalArgumentException(
          "CheckpointPolicy.keepSnapshots must be at least 1, was [" + keepSnapshots + "]");
    }
  }

  /** Snapshot every {@code n} messages, keeping 2 snapshots and deleting covered entries. */
  public static CheckpointPolicy everyMessages(int n) {
    return new CheckpointPolicy(n, DEFAULT.keepSnapshots, DEFAULT.deleteCoveredMessages);
  }

  /** The same policy, keeping {@code k} snapshots. */
  public CheckpointPolicy keepSnapshots(int k) {
    return new CheckpointPolicy(everyMessages, k, deleteCoveredMessages);
  }

  /** The same policy, never deleting journal entries. */
  public CheckpointPolicy keepingWholeLog() {
    return new CheckpointPolicy(everyMessages, keepSnapshots, false);
  }
}
