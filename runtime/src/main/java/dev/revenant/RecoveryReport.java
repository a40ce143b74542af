package dev.revenant;

import java.time.Duration;

/**
 * What one recovery of a recoverable actor did. Logged at info and published on the actor
 * system's event stream (subscribe to {@code RecoveryReport.class}) each time an entity starts.
 *
 * @param entityType the entity type name
 * @param entityId the entity id
 * @param snapshotSequenceNr the sequence number of the snapshot recovery started from (0: none)
 * @param messagesReplayed how many logged messages were replayed on top of that snapshot
 * @param highestSequenceNr the sequence number of the last logged message (0: nothing logged)
 * @param duration how long the recovery took
 */
public record RecoveryReport(
    String entityType,
    String entityId,
    long snapshotSequenceNr,
    long messagesReplayed,
    long highestSequenceNr,
    Duration duration) {}
