package dev.revenant;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Loads the configuration for an actor system that runs recoverable actors. */
public final class RevenantConfig {
  private static final String PROFILE = "revenant.cluster.profile";

  private RevenantConfig() {}

  /** {@link #load(Map)} without overrides. */
  public static Config load() {
    return load(Map.of());
  }

  /**
   * The standard configuration (system properties, {@code application.conf}, every
   * {@code reference.conf}) with {@code overrides} on top, and the cluster profile named by
   * {@code revenant.cluster.profile} between reference.conf and the rest. It is resolved after
   * the overrides are in, so values derived from them (the journal URL from
   * {@code revenant.journal.h2-file.data-dir}) follow; {@code overrides.withFallback(
   * ConfigFactory.load())} would resolve those before seeing the overrides.
   *
   * @param overrides keys in HOCON path form, e.g. {@code "revenant.journal.h2-file.data-dir"}
   */
  public static Config load(Map<String, ?> overrides) {
    Config app =
        ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication());
    Config reference = ConfigFactory.defaultReference();
    Config withSystem = ConfigFactory.systemProperties().withFallback(app);
    String profile =
        withSystem.hasPath(PROFILE) ? withSystem.getString(PROFILE) : reference.getString(PROFILE);
    String path = "revenant.cluster.profiles." + profile;
    if (!reference.hasPath(path)) {
      throw new ConfigException.BadValue(
          PROFILE,
          "unknown cluster profile [" + profile + "]; possible values: "
              + reference.getConfig("revenant.cluster.profiles").root().keySet());
    }
    return ConfigFactory.load(app.withFallback(reference.getConfig(path)));
  }
}
