package dev.revenant.internal;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;

/** Reads {@link RevenantSettings} once per actor system. */
public final class RevenantSettingsExtension implements Extension {
  private static final ExtensionId<RevenantSettingsExtension> ID =
      new ExtensionId<>() {
        @Override
        public RevenantSettingsExtension createExtension(ActorSystem<?> system) {
          return new RevenantSettingsExtension(RevenantSettings.from(system.settings().config()));
        }
      };

  private final RevenantSettings settings;

  private RevenantSettingsExtension(RevenantSettings settings) {
    this.settings = settings;
  }

  public static RevenantSettingsExtension get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  public RevenantSettings settings() {
    return settings;
  }
}
