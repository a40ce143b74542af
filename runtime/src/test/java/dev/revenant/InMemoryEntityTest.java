package dev.revenant;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.eventstream.EventStream;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** An actor test kit on the in-memory journal, a fresh entity id per test, recovery reports. */
abstract class InMemoryEntityTest {
  private static final Config CONFIG =
      ConfigFactory.load(ConfigFactory.parseResources("application-test-journal.conf"));

  protected ActorTestKit kit;
  protected String id;

  @BeforeEach
  void startKit() {
    kit = ActorTestKit.create(getClass().getSimpleName(), CONFIG);
    id = "e-" + UUID.randomUUID();
  }

  @AfterEach
  void stopKit() {
    kit.shutdownTestKit();
  }

  /** Replaces this test's kit by one with {@code keys} (HOCON) over the test configuration. */
  protected void useConfig(String keys) {
    kit.shutdownTestKit();
    kit = ActorTestKit.create(getClass().getSimpleName(),
        ConfigFactory.parseString(keys).withFallback(CONFIG));
  }

  /** Subscribes to recovery reports; subscribe before the entity starts. */
  protected TestProbe<RecoveryReport> recoveries() {
    TestProbe<RecoveryReport> reports = kit.createTestProbe();
    kit.system().eventStream().tell(new EventStream.Subscribe<>(RecoveryReport.class, reports.ref()));
    return reports;
  }

  /** The next recovery report of this test's entity. */
  protected RecoveryReport awaitRecovery(TestProbe<RecoveryReport> reports) {
    return reports.fishForMessage(Duration.ofSeconds(10), r ->
        r.entityId().equals(id) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore())
        .get(0);
  }
}
