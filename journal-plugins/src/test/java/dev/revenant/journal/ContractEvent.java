package dev.revenant.journal;

/** The payload the journal contract writes; bound to Jackson CBOR in application.conf. */
public record ContractEvent(String text, long n) {}
