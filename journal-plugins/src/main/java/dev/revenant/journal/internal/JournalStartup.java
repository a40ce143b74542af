package dev.revenant.journal.internal;

import akka.actor.AbstractExtensionId;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs once when an actor system starts (registered in {@code akka.library-extensions}): checks
 * the journal configuration and creates the schema, before any entity can write.
 */
public final class JournalStartup extends AbstractExtensionId<JournalStartup.Started> {
  private static final Logger LOG = LoggerFactory.getLogger(JournalStartup.class);

  /** What the start found. */
  public record Started(JournalSettings settings) implements Extension {}

  @Override
  public Started createExtension(ExtendedActorSystem system) {
    JournalSettings settings = JournalSettings.from(system.settings().config());
    LOG.info("Revenant journal: backend [{}] at [{}]", settings.backend(), settings.safeUrl());
    if (settings.createSchema()) {
      JournalSchema.ensure(settings);
    }
    return new Started(settings);
  }
}
