package dev.revenant.samples.bank;

import dev.revenant.JournalSerializable;

/** The state of one bank account: its balance, never negative. */
public record Account(long balance) implements JournalSerializable {

  /** An account that has never received a message. */
  public static final Account EMPTY = new Account(0);
}
