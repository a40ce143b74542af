package dev.revenant.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** The group-commit keys: their bounds, each refused with the key and the value named. */
class RevenantSettingsTest {
  private static Config with(String keys) {
    return ConfigFactory.parseString(keys).withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void batchesUpToTheLimitAreAccepted() {
    RevenantSettings s = RevenantSettings.from(with("revenant.group-commit.max-batch-size = 10000"));
    assertThat(s.maxBatchSize()).isEqualTo(RevenantSettings.MAX_BATCH_LIMIT).isEqualTo(10_000);
    assertThat(RevenantSettings.from(ConfigFactory.defaultReference()).maxBatchSize()).isEqualTo(1000);
  }

  @Test
  void aBatchSizeBeyondTheLimitOrBelowOneIsNamed() {
    assertThatThrownBy(() -> RevenantSettings.from(with("revenant.group-commit.max-batch-size = 10001")))
        .hasMessageContaining("revenant.group-commit.max-batch-size")
        .hasMessageContaining("at most 10000")
        .hasMessageContaining("[10001]");
    assertThatThrownBy(() -> RevenantSettings.from(with("revenant.group-commit.max-batch-size = 0")))
        .hasMessageContaining("revenant.group-commit.max-batch-size")
        .hasMessageContaining("[0]");
  }

  @Test
  void aStashSmallerThanOneBatchIsNamed() {
    assertThatThrownBy(() -> RevenantSettings.from(with(
            "revenant.group-commit.max-batch-size = 1000\nrevenant.stash-capacity = 999")))
        .hasMessageContaining("revenant.stash-capacity")
        .hasMessageContaining("[1000]")
        .hasMessageContaining("[999]");
  }
}
