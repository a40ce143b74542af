package dev.revenant.internal;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A durable timer: the message to deliver to self and when. Part of the recoverable state. */
public record PendingTimer(
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object message, long dueAtMillis)
    implements InternalSerializable {}
