package dev.revenant;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Loads the configuration for an actor system that runs recoverable actors. */
public final class RevenantConfig {
  private RevenantConfig() {}

  /**
   * The standard configuration (system properties, {@code application.conf}, every
   * {@code reference.conf}) with {@code overrides} on top, resolved after the overrides are in,
   * so that values derived from them (such as the journal URL from
   * {@code revenant.journal.h2-file.data-dir}) follow. {@code overrides.withFallback(
   * ConfigFactory.load())} would resolve those before seeing the overrides.
   *
   * @param overrides keys in HOCON path form, e.g. {@code "revenant.journal.h2-file.data-dir"}
   */
  public static Config load(Map<String, ?> overrides) {
    return ConfigFactory.load(
        ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication()));
  }
}
