package dev.revenant.journal;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalHealthTest {
  @TempDir Path dir;

  private boolean available(Map<String, Object> overrides) throws Exception {
    ActorTestKit kit = ActorTestKit.create("health", ConfigFactory.load(
        ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication())));
    try {
      return JournalHealth.of(kit.system()).isAvailable(Duration.ofSeconds(2))
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void theEmbeddedJournalAnswers() throws Exception {
    assertThat(available(Map.of("revenant.journal.h2-file.data-dir", dir.toString()))).isTrue();
  }

  @Test
  void aServerThatDoesNotListenIsReportedUnavailableInBoundedTime() throws Exception {
    long start = System.nanoTime();
    assertThat(available(Map.of(
        "revenant.journal.backend", "postgres",
        "revenant.journal.create-schema", false,
        "revenant.journal.postgres.url", "jdbc:postgresql://127.0.0.1:1/nothing"))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
