package dev.revenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevenantConfigTest {

  @Test
  void theSafeProfileTurnsOnTheSplitBrainResolverWithAkkasTimings() {
    Config c = RevenantConfig.load();
    assertThat(c.getString("akka.cluster.downing-provider-class"))
        .isEqualTo("akka.cluster.sbr.SplitBrainResolverProvider");
    assertThat(c.getDuration("akka.cluster.split-brain-resolver.stable-after"))
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(c.getDuration("akka.cluster.failure-detector.acceptable-heartbeat-pause"))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void theFastFailoverProfileShortensDetectionAndMarginButYourKeysWin() {
    Config c =
        RevenantConfig.load(
            Map.of(
                "revenant.cluster.profile", "fast-failover",
                "akka.cluster.sharding.retry-interval", "300ms"));
    assertThat(c.getDuration("akka.cluster.split-brain-resolver.stable-after"))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(c.getDuration("akka.cluster.failure-detector.acceptable-heartbeat-pause"))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(c.getDuration("akka.cluster.sharding.retry-interval"))
        .isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void noneLeavesAkkasDefaults() {
    Config c = RevenantConfig.load(Map.of("revenant.cluster.profile", "none"));
    assertThat(c.getString("akka.cluster.downing-provider-class")).isEmpty();
  }

  @Test
  void anUnknownProfileIsNamedWithThePossibleValues() {
    assertThatThrownBy(() -> RevenantConfig.load(Map.of("revenant.cluster.profile", "turbo")))
        .hasMessageContaining("revenant.cluster.profile")
        .hasMessageContaining("[turbo]")
        .hasMessageContaining("fast-failover");
  }

  @Test
  void overridesReachDerivedValues() {
    Config c = RevenantConfig.load(Map.of("revenant.journal.h2-file.data-dir", "/tmp/x"));
    assertThat(c.getString("akka-persistence-jdbc.shared-databases.revenant-h2-file.db.url"))
        .startsWith("jdbc:h2:file:/tmp/x/revenant;");
  }
}
