package dev.revenant;

/**
 * Marker for every message and state type of a recoverable actor.
 *
 * <p>Revenant writes messages to its journal and states to its snapshots with Jackson (CBOR)
 * through Akka's serialization; this interface is bound to that serializer in Revenant's
 * {@code reference.conf}. Java serialization is switched off. Make messages and states records
 * (or sealed interfaces of records) of serializable fields: primitives, strings, collections,
 * other records, {@code ActorRef}s.
 */
public interface JournalSerializable {}
