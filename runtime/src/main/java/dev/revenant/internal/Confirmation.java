package dev.revenant.internal;

/**
 * The receiver has logged every delivery of the channel up to {@code seq}; the sender may drop
 * them from its outbox. Journaled by the sender (as the message of an envelope) so that the
 * dropped entries stay dropped after a recovery.
 *
 * @param receiver the receiver's persistence id (the channel's identity at the sender)
 */
public record Confirmation(String receiver, long seq) implements InternalSerializable {}
