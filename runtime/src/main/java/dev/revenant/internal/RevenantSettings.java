package dev.revenant.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.revenant.CheckpointPolicy;
import java.time.Duration;

/**
 * The {@code revenant.*} configuration, read once per actor system and validated; an invalid
 * value fails with the key that holds it.
 */
public record RevenantSettings(
    int maxBatchSize,
    int stashCapacity,
    boolean validateSerialization,
    Duration minBackoff,
    Duration maxBackoff,
    double randomFactor,
    CheckpointPolicy defaultCheckpointPolicy,
    String journalPluginId,
    String snapshotPluginId,
    int idempotencyKeepKeys,
    Duration idempotencyKeepFor,
    Duration redeliverInterval) {

  /**
   * One write carries at most this many messages. Since the messages held during a write reach
   * the entity as one batch (not through Akka's recursive unstash), the size no longer costs
   * stack; the bound keeps one write's rows and bytes within what a database commits quickly.
   */
  static final int MAX_BATCH_LIMIT = 10_000;

  public static RevenantSettings from(Config root) {
    Config c = root.getConfig("revenant");
    int maxBatch = positive(c, "group-commit.max-batch-size");
    if (maxBatch > MAX_BATCH_LIMIT) {
      throw new ConfigException.BadValue(
          "revenant.group-commit.max-batch-size",
          "must be at most " + MAX_BATCH_LIMIT + " messages per journal write, was [" + maxBatch
              + "]");
    }
    int stash = positive(c, "stash-capacity");
    if (stash < maxBatch) {
      throw new ConfigException.BadValue(
          "revenant.stash-capacity",
          "must be at least revenant.group-commit.max-batch-size [" + maxBatch + "], was ["
              + stash + "]");
    }
    Duration min = c.getDuration("restart-backoff.min-backoff");
    Duration max = c.getDuration("restart-backoff.max-backoff");
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new ConfigException.BadValue(
          "revenant.restart-backoff",
          "needs 0 < min-backoff <= max-backoff, was [" + min + ", " + max + "]");
    }
    double rf = c.getDouble("restart-backoff.random-factor");
    if (rf < 0 || rf > 1) {
      throw new ConfigException.BadValue(
          "revenant.restart-backoff.random-factor", "must be within 0..1, was [" + rf + "]");
    }
    CheckpointPolicy policy;
    try {
      policy = new CheckpointPolicy(
          c.getInt("checkpoint.every-messages"),
          c.getInt("checkpoint.keep-snapshots"),
          c.getBoolean("checkpoint.delete-covered-messages"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue("revenant.checkpoint", e.getMessage());
    }
    return new RevenantSettings(
        maxBatch, stash, c.getBoolean("validate-serialization"), min, max, rf, policy,
        optional(c, "journal.plugin-id"), optional(c, "journal.snapshot-plugin-id"),
        positive(c, "idempotency.keep-keys"), positiveDuration(c, "idempotency.keep-for"),
        positiveDuration(c, "delivery.redeliver-interval"));
  }

  /**
   * The persistence plugins are Revenant's journal module's when it is on the classpath (it sets
   * these keys); without it, "" selects Akka's default plugins.
   */
  private static String optional(Config c, String key) {
    return c.hasPath(key) ? c.getString(key) : "";
  }

  private static Duration positiveDuration(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException.BadValue("revenant." + key, "must be positive, was [" + d + "]");
    }
    return d;
  }

  private static int positive(Config c, String key) {
    int v = c.getInt(key);
    if (v < 1) {
      throw new ConfigException.BadValue("revenant." + key, "must be at least 1, was [" + v + "]");
    }
    return v;
  }
}
