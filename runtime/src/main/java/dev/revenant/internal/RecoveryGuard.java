package dev.revenant.internal;

/**
 * What one entity carries from one incarnation to the next, across the restarts the runtime
 * makes itself: the highest snapshot it may still load after newer ones proved unreadable.
 */
final class RecoveryGuard {
  private long snapshotCeiling = Long.MAX_VALUE;

  long snapshotCeiling() {
    return snapshotCeiling;
  }

  void skipSnapshotsFrom(long sequenceNr) {
    snapshotCeiling = Math.min(snapshotCeiling, sequenceNr - 1);
  }
}
