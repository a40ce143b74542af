package dev.revenant.internal;

/** Thrown to restart an entity so that it recovers from an older snapshot. */
final class SnapshotFallbackException extends RuntimeException {
  SnapshotFallbackException(String message) {
    super(message, null, false, false);
  }
}
