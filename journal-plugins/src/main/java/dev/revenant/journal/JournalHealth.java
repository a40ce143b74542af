package dev.revenant.journal;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import dev.revenant.journal.internal.JournalSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Answers "does the journal's database answer now?" with a fresh connection and a validity
 * check, bounded in time; so that a caller whose request timed out can tell a journal outage
 * from a slow entity. The check runs on Akka's blocking-I/O dispatcher.
 */
public final class JournalHealth {
  private final JournalSettings settings;
  private final Executor blocking;

  private JournalHealth(JournalSettings settings, Executor blocking) {
    this.settings = settings;
    this.blocking = blocking;
  }

  /** The health check of this actor system's journal. */
  public static JournalHealth of(ActorSystem<?> system) {
    return new JournalHealth(
        JournalSettings.from(system.settings().config()),
        system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  /** The backend name, e.g. {@code postgres}. */
  public String backend() {
    return settings.backend();
  }

  /** Completes with true if the database answered within {@code timeout}, else false. */
  public CompletionStage<Boolean> isAvailable(Duration timeout) {
    if (settings.backend().equals("in-memory")) {
      return CompletableFuture.completedFuture(true);
    }
    return CompletableFuture.supplyAsync(() -> probe(timeout), blocking)
        .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private boolean probe(Duration timeout) {
    int seconds = (int) Math.max(1, timeout.toSeconds());
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    props.setProperty("password", settings.password());
    props.setProperty("connectTimeout", settings.backend().equals("postgres")
        ? Integer.toString(seconds) : Long.toString(timeout.toMillis()));
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), props)) {
      return c.isValid(seconds);
    } catch (Exception e) {
      return false;
    }
  }
}
