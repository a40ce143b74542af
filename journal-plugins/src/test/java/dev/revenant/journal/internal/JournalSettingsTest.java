package dev.revenant.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSettingsTest {
  @TempDir Path dir;

  private static Config load(Map<String, Object> overrides) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.load(ConfigFactory.parseMap(overrides));
  }

  @Test
  void replayDecodeParallelismDefaultsToTwoAndRejectsValuesOutOfRange() {
    assertThat(RevenantJournalDao.decodeParallelism(load(Map.of()))).isEqualTo(2);
    for (int bad : new int[] {0, -1, 65}) {
      assertThatThrownBy(() -> RevenantJournalDao.decodeParallelism(
              load(Map.of("revenant.journal.replay-decode-parallelism", bad))))
          .isInstanceOf(ConfigException.BadValue.class)
          .hasMessageContaining("revenant.journal.replay-decode-parallelism")
          .hasMessageContaining("[" + bad + "]");
    }
  }

  @Test
  void writeParallelismDefaultsToTwoOnEveryPluginAndRejectsValuesOutOfRange() {
    Config config = load(Map.of());
    JournalSettings.from(config);
    for (String backend : List.of("h2-file", "h2-server", "postgres", "mariadb")) {
      assertThat(config.getInt("revenant.journal.plugins." + backend + ".journal.parallelism"))
          .isEqualTo(2);
    }
    assertThat(load(Map.of("revenant.journal.write-parallelism", 5))
            .getInt("revenant.journal.plugins.postgres.journal.parallelism"))
        .isEqualTo(5);
    for (int bad : new int[] {0, -1, 65}) {
      assertThatThrownBy(() -> JournalSettings.from(
              load(Map.of("revenant.journal.write-parallelism", bad))))
          .isInstanceOf(ConfigException.BadValue.class)
          .hasMessageContaining("revenant.journal.write-parallelism")
          .hasMessageContaining("[" + bad + "]");
    }
  }

  @Test
  void theDefaultIsTheEmbeddedH2FileInDotData() {
    JournalSettings s = JournalSettings.from(load(Map.of()));
    assertThat(s.backend()).isEqualTo("h2-file");
    assertThat(s.jdbcUrl()).startsWith("jdbc:h2:file:./data/revenant;").contains("WRITE_DELAY=0");
    assertThat(s.createSchema()).isTrue();
  }

  @Test
  void theDataDirSetThroughLoadReachesTheUrl() {
    JournalSettings s =
        JournalSettings.from(load(Map.of("revenant.journal.h2-file.data-dir", dir.toString())));
    assertThat(s.jdbcUrl()).startsWith("jdbc:h2:file:" + dir + "/revenant;");
  }

  @Test
  void anOverrideResolvedTooLateIsExplained() {
    Config late =
        ConfigFactory.parseMap(Map.of("revenant.journal.h2-file.data-dir", dir.toString()))
            .withFallback(ConfigFactory.load());
    assertThatThrownBy(() -> JournalSettings.from(late))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("revenant.journal.h2-file.data-dir")
        .hasMessageContaining("RevenantConfig.load(overrides)");
  }

  @Test
  void anUnknownBackendIsNamedWithThePossibleValues() {
    assertThatThrownBy(() -> JournalSettings.from(load(Map.of("revenant.journal.backend", "oracle"))))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("revenant.journal.backend")
        .hasMessageContaining("[oracle]")
        .hasMessageContaining("h2-file, h2-server, postgres, mariadb, in-memory");
  }

  @Test
  void anImplicitlyRelativeDataDirIsRefused() {
    assertThatThrownBy(
            () -> JournalSettings.from(load(Map.of("revenant.journal.h2-file.data-dir", "data"))))
        .hasMessageContaining("revenant.journal.h2-file.data-dir")
        .hasMessageContaining("[data]");
  }

  @Test
  void aPoolWithoutConnectionsIsRefused() {
    assertThatThrownBy(
            () -> JournalSettings.from(load(Map.of("revenant.journal.pool.max-connections", 0))))
        .hasMessageContaining("revenant.journal.pool.max-connections")
        .hasMessageContaining("[0]");
  }
}
