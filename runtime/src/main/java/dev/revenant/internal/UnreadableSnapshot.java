package dev.revenant.internal;

/**
 * Stands in for the user state while recovery started from a snapshot that could not be read;
 * never handled, never written. Recovery ends by falling back to an older snapshot.
 */
record UnreadableSnapshot(long sequenceNr, String reason) {}
