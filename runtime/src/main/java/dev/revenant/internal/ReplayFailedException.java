package dev.revenant.internal;

/** A logged message could not be replayed; the entity's recovery stops. */
public final class ReplayFailedException extends RuntimeException {
  public ReplayFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
