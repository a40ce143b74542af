package dev.revenant.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/** One actor system on a fresh, empty journal of one backend, with a {@link Host} guardian. */
final class BenchSystem implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofMinutes(10);

  final Backend backend;
  final Path dir;
  final Config config;
  final ActorSystem<Host.Msg> system;

  /** Whether {@link #close} deletes {@link #dir} (false: a later system reopens the journal). */
  private final boolean deleteOnClose;

  private BenchSystem(Backend backend, Path dir, Config config, boolean fresh,
      boolean deleteOnClose) throws SQLException {
    this.backend = backend;
    this.dir = dir;
    this.config = config;
    this.deleteOnClose = deleteOnClose;
    this.system = ActorSystem.create(Host.create(), "bench", config);
    if (fresh) {
      try (Connection c = connect()) {
        backend.afterStart(c);
      }
    }
  }

  /** Settings common to every backend: quiet logging; everything else is the shipped default. */
  static Map<String, Object> commonOverrides() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("akka.loglevel", "WARNING");
    m.put("akka.log-dead-letters", "off");
    m.put("akka.log-dead-letters-during-shutdown", "off");
    return m;
  }

  /** A new actor system on a fresh, empty journal; {@link #close} deletes it again. */
  static BenchSystem start(Backend backend, Path scratchRoot, Map<String, Object> extra)
      throws IOException, SQLException {
    return start(backend, scratchRoot, extra, false);
  }

  /**
   * A new actor system on a fresh, empty journal; with {@code keepJournal}, {@link #close}
   * leaves the journal for {@link #reopen} (then {@link #deleteJournal} deletes it).
   */
  static BenchSystem start(Backend backend, Path scratchRoot, Map<String, Object> extra,
      boolean keepJournal) throws IOException, SQLException {
    Path dir = Files.createTempDirectory(scratchRoot, backend.name() + "-");
    return new BenchSystem(backend, dir, config(backend, dir, extra), true, !keepJournal);
  }

  /**
   * A new actor system (cold: nothing cached, every entity recovers from the journal) on the
   * journal {@code previous} wrote, which must be closed; this one keeps the journal too.
   */
  static BenchSystem reopen(BenchSystem previous, Map<String, Object> extra) throws SQLException {
    if (!previous.system.whenTerminated().isCompleted()) {
      throw new IllegalStateException("close the previous system before reopening its journal");
    }
    return new BenchSystem(previous.backend, previous.dir,
        config(previous.backend, previous.dir, extra), false, false);
  }

  /** Deletes the journal a chain of {@link #reopen}ed systems kept (H2: its data dir). */
  void deleteJournal() throws IOException {
    deleteTree(dir);
  }

  private static Config config(Backend backend, Path dir, Map<String, Object> extra) {
    Map<String, Object> overrides = commonOverrides();
    overrides.putAll(backend.overrides(dir));
    overrides.putAll(extra);
    // load(parseMap(...)): the journal URL is a substitution on the data dir (see README).
    return ConfigFactory.load(ConfigFactory.parseMap(overrides));
  }

  /** The shared database's JDBC settings of the chosen backend. */
  Config db() {
    return config.getConfig(
        "akka-persistence-jdbc.shared-databases.revenant-" + backend.name() + ".db");
  }

  /** A plain JDBC connection to the same database the journal uses. */
  Connection connect() throws SQLException {
    return connect(db());
  }

  /**
   * A plain JDBC connection with the journal pool's settings {@code db}: its URL, user, password
   * and driver properties (such as PostgreSQL's reWriteBatchedInserts), so that a raw baseline
   * talks to the database exactly as the journal does.
   */
  static Connection connect(Config db) throws SQLException {
    Properties p = new Properties();
    if (db.hasPath("properties")) {
      db.getConfig("properties").entrySet()
          .forEach(e -> p.setProperty(e.getKey(), String.valueOf(e.getValue().unwrapped())));
    }
    p.setProperty("user", db.getString("user"));
    p.setProperty("password", db.getString("password"));
    return DriverManager.getConnection(db.getString("url"), p);
  }

  String journalPluginId() {
    return config.getString("revenant.journal.plugin-id");
  }

  String snapshotPluginId() {
    return config.getString("revenant.journal.snapshot-plugin-id");
  }

  Serialization serialization() {
    return SerializationExtension.get(Adapter.toClassic(system));
  }

  /** Spawns under the host; with an entity type, waits until that entity has recovered. */
  <T> Host.Spawned<T> spawn(Behavior<T> behavior, String name, String entityType, String entityId)
      throws Exception {
    CompletableFuture<Host.Spawned<T>> f = new CompletableFuture<>();
    system.tell(new Host.Spawn<>(behavior, name, entityType, entityId, f));
    return f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  void stop(ActorRef<?> ref) throws Exception {
    CompletableFuture<Void> f = new CompletableFuture<>();
    system.tell(new Host.Stop(ref, f));
    f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Runs a driver to completion; returns the nanoseconds of its message phase. */
  long drive(String name, Function<CompletableFuture<Drivers.Timing>, Behavior<Object>> driver)
      throws Exception {
    return driveTimed(name, driver).runNanos();
  }

  /** Runs a driver to completion; returns what it timed. */
  Drivers.Timing driveTimed(
      String name, Function<CompletableFuture<Drivers.Timing>, Behavior<Object>> driver)
      throws Exception {
    CompletableFuture<Drivers.Timing> done = new CompletableFuture<>();
    Host.Spawned<Object> s = spawn(driver.apply(done), name, null, null);
    Drivers.Timing t = done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    stop(s.ref());
    return t;
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(2, TimeUnit.MINUTES);
    if (deleteOnClose) {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
