package dev.revenant.internal;

/**
 * What a snapshot stores: the {@link EntityState} serialized by Revenant itself, so that a
 * snapshot that can no longer be read (a changed state class, a damaged row) is detected by the
 * runtime, which then falls back to an older snapshot instead of failing the recovery.
 *
 * @param sequenceNr the sequence number of the state
 * @param state the serialized state; empty if it could not be serialized when saved
 * @param serializerId Akka serializer id
 * @param manifest Akka serializer manifest
 */
public record SnapshotEnvelope(long sequenceNr, byte[] state, int serializerId, String manifest)
    implements InternalSerializable {}
