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

  private BenchSystem(Backend backend, Path dir, Config config) throws SQLException {
    this.backend = backend;
    this.dir = dir;
    this.config = config;
    this.system = ActorSystem.create(Host.create(), "bench", config);
    try (Connection c = connect()) {
      backend.afterStart(c);
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

  static BenchSystem start(Backend backend, Path scratchRoot, Map<String, Object> extra)
      throws IOException, SQLException {
    Path dir = Files.createTempDirectory(scratchRoot, backend.name() + "-");
    Map<String, Object> overrides = commonOverrides();
    overrides.putAll(backend.overrides(dir));
    overrides.putAll(extra);
    // load(parseMap(...)): the journal URL is a substitution on the data dir (see README).
    Config config = ConfigFactory.load(ConfigFactory.parseMap(overrides));
    return new BenchSystem(backend, dir, config);
  }

  /** The shared database's JDBC settings of the chosen backend. */
  Config db() {
    return config.getConfig(
        "akka-persistence-jdbc.shared-databases.revenant-" + backend.name() + ".db");
  }

  /** A plain JDBC connection to the same database the journal uses. */
  Connection connect() throws SQLException {
    Config db = db();
    return DriverManager.getConnection(
        db.getString("url"), db.getString("user"), db.getString("password"));
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
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
