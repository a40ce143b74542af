package dev.revenant.internal;

/** Marker for Revenant's own journal events and snapshot states; bound to Jackson CBOR. */
public interface InternalSerializable {}
