package dev.revenant.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import akka.serialization.Serialization;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import dev.revenant.RecoveryReport;
import dev.revenant.internal.MessageEnvelope;
import dev.revenant.bench.Model.Ack;
import dev.revenant.bench.Model.Add;
import dev.revenant.bench.Model.Added;
import dev.revenant.bench.Model.CounterMsg;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Revenant's benchmark harness: each workload with its baselines in the same run, on the same
 * database, repeated, reported as one Markdown table of medians, spreads and paired ratios.
 *
 * <pre>
 *   src-test/bin/bench [--quick] [--backend h2-file,postgres] [--only w1,w2,w3] [--reps N]
 * </pre>
 *
 * <p>Markdown goes to stdout and to {@code --out}/{date}-{mode}.md; progress goes to stderr.
 */
public final class Bench {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Bench.class);


  /** Workload sizes of one mode. */
  record Sizes(
      int reps,
      int warmups,
      int w1Entities,
      int w1PerEntity,
      int w2Burst,
      int w2HandWrittenBurst,
      int w2Sequential,
      int w3Messages,
      int w3SnapshotEvery,
      int w4Entities,
      int w4PerEntity,
      int w5Requests,
      int w5WarmUpRequests,
      Duration w5JitWaitLimit,
      List<String> w6Profiles) {

    Sizes withReps(int n) {
      return new Sizes(n, warmups, w1Entities, w1PerEntity, w2Burst, w2HandWrittenBurst,
          w2Sequential, w3Messages, w3SnapshotEvery, w4Entities, w4PerEntity, w5Requests,
          w5WarmUpRequests, w5JitWaitLimit, w6Profiles);
    }
  }

  static final Sizes QUICK = new Sizes(3, 2, 1000, 100, 100_000, 3_000, 2_000, 100_000, 99_900,
      2_000, 100, 1_000, 500, Duration.ofSeconds(30), List.of("fast-failover"));
  static final Sizes FULL = new Sizes(5, 2, 1000, 100, 100_000, 10_000, 5_000, 100_000, 99_900,
      10_000, 100, 3_000, 1_000, Duration.ofSeconds(90), List.of("fast-failover", "safe"));

  /** Workloads run per backend, in this order; W6 (clusters of JVMs) runs after all of them. */
  static final List<String> PER_BACKEND = List.of("w1", "w2", "w3", "w4", "w5");

  static final int RAW_BATCH = 400;
  static final int[] FETCH_SIZES = {100, 1000, 10_000, 0};

  final Sizes sizes;
  private final boolean quick;
  private final List<Backend> backends;
  private final List<String> only;
  final Path scratch;
  final Results results = new Results();
  /** The command line's database URLs (--postgres-url, --mariadb-url), for the report. */
  private Map<String, String> options = Map.of();
  /** The --reps given, or null. */
  private Integer reps;
  private static final String PAGED_ORDER = "on H2, (persistence_id, sequence_number), Revenant's"
      + " H2JournalDao, which H2 reads from the primary key (akka-persistence-jdbc's own ORDER BY"
      + " sequence_number made H2 read and sort every remaining row for each page); elsewhere"
      + " akka-persistence-jdbc 5.2.1's ORDER BY sequence_number";
  private final Map<String, List<String>> environment = new LinkedHashMap<>();

  interface Measure {
    double run() throws Exception;
  }

  private Bench(Sizes sizes, boolean quick, List<Backend> backends, List<String> only, Path scratch) {
    this.sizes = sizes;
    this.quick = quick;
    this.backends = backends;
    this.only = only;
    this.scratch = scratch;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions opts;
    try {
      opts = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      System.err.println("bench: " + e.getMessage() + "\n" + BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    boolean quick = opts.quick();
    List<String> backendNames = opts.backends();
    Integer reps = opts.reps();
    Path out = opts.out();
    Map<String, String> options = opts.urls();
    List<String> only = opts.only();
    if (only == null) {
      // W6 starts clusters of JVMs and takes minutes per profile: the full run only.
      only = new ArrayList<>(PER_BACKEND);
      if (!quick) {
        only.add("w6");
      }
    }
    Sizes sizes = quick ? QUICK : FULL;
    if (reps != null) {
      sizes = sizes.withReps(reps);
    }
    List<Backend> backends = new ArrayList<>();
    for (String n : backendNames) {
      backends.add(Backend.named(n, options));
    }
    Path scratch = Files.createTempDirectory("revenant-bench-");
    // Also when the JVM exits early (akka.jvm-exit-on-fatal-error): leave no journals behind.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(scratch)));
    Bench bench = new Bench(sizes, quick, backends, only, scratch);
    bench.reps = reps;
    bench.options = options;
    long start = System.nanoTime();
    String loadBefore = loadAverage();
    for (Backend b : backends) {
      bench.runBackend(b);
    }
    if (only.contains("w6")) {
      // After every backend's W1-W5: each run starts a cluster of JVMs (minutes per profile).
      for (Backend b : backends) {
        bench.guarded(Failover.clusterJournal(b), "W6", () -> new Failover(bench, b).run());
      }
    }
    deleteTree(scratch);
    String report = bench.report(Duration.ofNanos(System.nanoTime() - start), loadBefore);
    System.out.print(report);
    System.out.flush();
    Files.createDirectories(out);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
    Path file = out.resolve(stamp + "-" + (quick ? "quick" : "full") + "-"
        + String.join("+", backendNames) + ".md");
    Files.writeString(file, report, StandardCharsets.UTF_8);
    progress("wrote " + file.toAbsolutePath());
    System.exit(bench.results.failures.isEmpty() ? 0 : 1);
  }

  static void progress(String line) {
    System.err.println("[bench " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"))
        + "] " + line);
  }

  // ------------------------------------------------------------------ orchestration

  private void runBackend(Backend b) throws Exception {
    progress("backend " + b.name() + ": environment");
    try (BenchSystem s = BenchSystem.start(b, scratch, Map.of())) {
      recordEnvironment(s);
    }
    Map<String, Workload> workloads = new LinkedHashMap<>();
    workloads.put("w1", () -> w1(b));
    workloads.put("w2", () -> w2(b));
    workloads.put("w3", () -> w3(b));
    workloads.put("w4", () -> new MassRecovery(this).run(b));
    workloads.put("w5", () -> new Latency(this).run(b));
    for (Map.Entry<String, Workload> w : workloads.entrySet()) {
      if (only.contains(w.getKey())) {
        guarded(b.name(), w.getKey().toUpperCase(Locale.ROOT), w.getValue());
      }
    }
  }

  /** One workload on one backend (or, for W6, on its own cluster). */
  interface Workload {
    void run() throws Exception;
  }

  private void guarded(String backend, String name, Workload w) {
    try {
      w.run();
    } catch (Throwable e) {
      results.failures.add(backend + " " + name + ": " + e);
      progress("FAILED " + backend + " " + name + ": " + e);
      LOG.warn("{} {} failed", backend, name, e);
    }
  }

  /** A source of plain JDBC connections to the database under test. */
  interface Connector {
    Connection connect() throws SQLException;
  }

  void rep(BenchSystem s, int r, int reps, List<String> names, List<Results.Series> into,
      List<Measure> m) {
    rep(s.backend, s::connect, r, reps, names, into, m);
  }

  /**
   * Runs the variants of one repetition, in an order rotated by repetition, refreshing the
   * database's statistics before each; records the values of measured repetitions ({@code r >
   * 0}; {@code r <= 0} are warm-ups).
   */
  void rep(Backend backend, Connector db, int r, int reps, List<String> names,
      List<Results.Series> into, List<Measure> m) {
    int k = names.size();
    double[] got = new double[k];
    for (int j = 0; j < k; j++) {
      int i = (j + Math.max(r, 0)) % k;
      try {
        try (Connection c = db.connect()) {
          backend.refreshStatistics(c);
        }
        progress("start " + names.get(i));
        got[i] = m.get(i).run();
        progress((r <= 0 ? "warm-up" : "rep " + r + "/" + reps) + " " + names.get(i) + ": "
            + Results.fmt(got[i], into.get(i).unit));
      } catch (Throwable e) {
        got[i] = Double.NaN;
        results.failures.add(into.get(i).backend + " " + into.get(i).workload + " "
            + names.get(i) + " rep " + r + ": " + e);
        progress("FAILED " + names.get(i) + " rep " + r + ": " + e);
        LOG.warn("{} failed in repetition {}", names.get(i), r, e);
      }
    }
    if (r > 0) {
      for (int i = 0; i < k; i++) {
        into.get(i).values.add(got[i]);
      }
    }
  }

  static double perSecond(long count, long nanos) {
    return count / (nanos / 1e9);
  }

  // ------------------------------------------------------------------ W1

  private void w1(Backend b) throws Exception {
    int e = sizes.w1Entities();
    int m = sizes.w1PerEntity();
    String w = "W1 " + e + " entities × " + m + " msgs, closed loop";
    Results.Series rev = results.series(b.name(), w, "Revenant", "msg/s");
    Results.Series hw = results.series(b.name(), w, "hand-written EventSourcedBehavior", "msg/s");
    Results.Series raw = results.series(b.name(), w,
        "raw JDBC batch insert (" + RAW_BATCH + " rows/commit, 1 connection)", "rows/s");
    Results.Series hwLog = results.series(b.name(), w,
        "hand-written persisting the command itself as its event (diagnostic)", "msg/s");
    Results.Series revStart = results.series(b.name(), w,
        "Revenant: spawn and recovery of the " + e + " empty entities, untimed phase (diagnostic)",
        "ms");
    Results.Series hwStart = results.series(b.name(), w,
        "hand-written: spawn and recovery of the " + e + " empty entities, untimed phase (diagnostic)",
        "ms");
    Results.Series revCpu = results.series(b.name(), w,
        "Revenant: this JVM's CPU time per message (diagnostic)", "µs");
    Results.Series hwCpu = results.series(b.name(), w,
        "hand-written: this JVM's CPU time per message (diagnostic)", "µs");
    results.ratio(rev, hw, "Revenant ÷ hand-written", "≥ 0.9×", 0.9);
    results.ratio(rev, raw, "Revenant ÷ raw insert", "≥ 0.6×", 0.6);
    // Where Akka Persistence itself stands against the raw insert, on the same journal: the
    // ceiling of any EventSourcedBehavior, Revenant's included, on this machine.
    results.ratio(hw, raw, "hand-written ÷ raw insert (diagnostic)", "", 0);
    results.ratio(rev, hwLog, "Revenant ÷ hand-written persisting the command (diagnostic)", "", 0);
    // On the servers the JVM is what limits W1 (a core or more busy, the database little), so
    // CPU per message says what Revenant adds with less of the machine's noise than the rate.
    results.ratio(hwCpu, revCpu,
        "hand-written's CPU per message ÷ Revenant's, this JVM (diagnostic)", "", 0);
    for (int r = 1 - sizes.warmups(); r <= sizes.reps(); r++) {
      final int rr = r;
      try (BenchSystem s = BenchSystem.start(b, scratch, Map.of())) {
        Subjects.Kind hand = Subjects.handWritten(s.journalPluginId(), s.snapshotPluginId());
        RawJdbc jdbc = new RawJdbc(b);
        List<String> pids = new ArrayList<>();
        for (int i = 0; i < e; i++) {
          pids.add("raw-w1|r" + (rr + sizes.warmups()) + "-e" + i);
        }
        RawJdbc.Payload payload = envelopePayload(s);
        double[] startup = {Double.NaN, Double.NaN};
        double[] cpu = {Double.NaN, Double.NaN};
        Subjects.Kind handLog = Subjects.handWrittenLog(s.journalPluginId(), s.snapshotPluginId());
        rep(s, r, sizes.reps(),
            List.of("W1 Revenant", "W1 hand-written", "W1 raw insert", "W1 hand-written log"),
            List.of(rev, hw, raw, hwLog),
            List.of(
                () -> {
                  Drivers.Timing t = s.driveTimed("w1-rev",
                      done -> Drivers.closedLoop(Subjects.revenant(), "w1-", e, m, done));
                  startup[0] = t.startupNanos() / 1e6;
                  cpu[0] = t.runCpuNanos() / 1e3 / ((long) e * m);
                  return perSecond((long) e * m, t.runNanos());
                },
                () -> {
                  Drivers.Timing t = s.driveTimed("w1-hw",
                      done -> Drivers.closedLoop(hand, "w1-", e, m, done));
                  startup[1] = t.startupNanos() / 1e6;
                  cpu[1] = t.runCpuNanos() / 1e3 / ((long) e * m);
                  return perSecond((long) e * m, t.runNanos());
                },
                () -> {
                  try (Connection c = s.connect()) {
                    return perSecond((long) e * m, jdbc.insert(c, pids, m, payload, RAW_BATCH));
                  }
                },
                () -> perSecond((long) e * m, s.driveTimed("w1-hwlog",
                    done -> Drivers.closedLoop(handLog, "w1-", e, m, done)).runNanos())));
        if (r > 0) {
          revStart.values.add(startup[0]);
          hwStart.values.add(startup[1]);
          revCpu.values.add(cpu[0]);
          hwCpu.values.add(cpu[1]);
        }
      }
    }
  }

  /**
   * The bytes of a real Revenant journal entry for an {@link Add}, with the serializer id and
   * manifest the journal stored: one message is logged through Revenant and read back.
   */
  static RawJdbc.Payload envelopePayload(BenchSystem s) throws Exception {
    Subjects.Kind rev = Subjects.revenant();
    String id = "payload-probe-" + System.nanoTime();
    Host.Spawned<CounterMsg> e = s.spawn(rev.create(id), id, rev.entityType(), id);
    AskPattern.<CounterMsg, Ack>ask(
            e.ref(), replyTo -> new Add(17, 1, replyTo), Duration.ofSeconds(30), s.system.scheduler())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    s.stop(e.ref());
    try (Connection c = s.connect()) {
      return new RawJdbc(s.backend).storedPayload(c, rev.entityType() + "|" + id);
    }
  }

  private static RawJdbc.Payload payload(Serialization ser, Object o) {
    Serializer serializer = ser.findSerializerFor(o);
    byte[] bytes = ser.serialize(o).get();
    return new RawJdbc.Payload(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o));
  }

  // ------------------------------------------------------------------ W2

  private void w2(Backend b) throws Exception {
    String w = "W2 one hot entity";
    int burst = sizes.w2Burst();
    int hwBurst = sizes.w2HandWrittenBurst();
    int seq = sizes.w2Sequential();
    Results.Series revBurst = results.series(b.name(), w,
        "Revenant, " + fmtCount(burst) + " msgs sent without waiting (group commit)", "msg/s");
    Results.Series hwBurstS = results.series(b.name(), w,
        "hand-written, " + fmtCount(hwBurst) + " msgs sent without waiting (1 persist each)", "msg/s");
    Results.Series revSeq = results.series(b.name(), w,
        "Revenant, sequential ask (" + fmtCount(seq) + " msgs)", "msg/s");
    Results.Series hwSeq = results.series(b.name(), w,
        "hand-written, sequential ask (" + fmtCount(seq) + " msgs)", "msg/s");
    Results.Series revBurstNoCp = results.series(b.name(), w,
        "Revenant without checkpoints (diagnostic), " + fmtCount(burst) + " msgs sent without waiting",
        "msg/s");
    results.ratio(revBurst, hwBurstS, "Revenant ÷ hand-written, sent without waiting", "≥ 10×", 10);
    results.ratio(revBurstNoCp, hwBurstS,
        "Revenant without checkpoints ÷ hand-written, sent without waiting (diagnostic)", "", 0);
    results.ratio(revSeq, hwSeq, "Revenant ÷ hand-written, sequential ask", "", 0);
    for (int r = 1 - sizes.warmups(); r <= sizes.reps(); r++) {
      try (BenchSystem s = BenchSystem.start(b, scratch, Map.of())) {
        Subjects.Kind hand = Subjects.handWritten(s.journalPluginId(), s.snapshotPluginId());
        Subjects.Kind rev = Subjects.revenant();
        Subjects.Kind revNoCp = Subjects.revenantNoCheckpoint();
        rep(s, r, sizes.reps(),
            List.of("W2 Revenant burst", "W2 hand-written burst", "W2 Revenant ask",
                "W2 hand-written ask", "W2 Revenant burst without checkpoints"),
            List.of(revBurst, hwBurstS, revSeq, hwSeq, revBurstNoCp),
            List.of(
                () -> perSecond(burst, s.drive("w2-rev-burst",
                    done -> Drivers.burst(rev, "hot", burst, done))),
                () -> perSecond(hwBurst, s.drive("w2-hw-burst",
                    done -> Drivers.burst(hand, "hot", hwBurst, done))),
                () -> sequentialAsk(s, rev, "hot-seq", seq),
                () -> sequentialAsk(s, hand, "hot-seq", seq),
                () -> perSecond(burst, s.drive("w2-rev-burst-nocp",
                    done -> Drivers.burst(revNoCp, "hot", burst, done)))));
      }
    }
  }

  /**
   * One request at a time with AskPattern.ask from a client thread that blocks on each answer
   * (no callbacks on the common fork-join pool).
   */
  private static double sequentialAsk(BenchSystem s, Subjects.Kind kind, String id, int n)
      throws Exception {
    Host.Spawned<CounterMsg> e =
        s.spawn(kind.create(id), kind.entityType() + "-" + id, kind.entityType(), id);
    Duration timeout = Duration.ofSeconds(30);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      AskPattern.<CounterMsg, Ack>ask(
              e.ref(), replyTo -> new Add(0, 1, replyTo), timeout, s.system.scheduler())
          .toCompletableFuture()
          .get(timeout.toSeconds(), TimeUnit.SECONDS);
    }
    long nanos = System.nanoTime() - start;
    s.stop(e.ref());
    return perSecond(n, nanos);
  }

  // ------------------------------------------------------------------ W3

  private void w3(Backend b) throws Exception {
    int n = sizes.w3Messages();
    String w = "W3 replay of " + fmtCount(n) + " logged msgs";
    Results.Series revFull = results.series(b.name(), w, "Revenant recovery, no snapshot", "msg/s");
    Results.Series rawFull = results.series(b.name(), w,
        "raw SELECT of the same rows (fetch size and ORDER BY tuned)", "rows/s");
    Results.Series rawDecode = results.series(b.name(), w,
        "raw SELECT + decode of each payload by Akka serialization (diagnostic)", "rows/s");
    Results.Series rawPaged = results.series(b.name(), w,
        "raw SELECT paged as the journal replays (diagnostic)", "rows/s");
    Results.Series decodeEnvelope = results.series(b.name(), w,
        "decode of the logged entries in memory by Revenant's envelope serializer (diagnostic)",
        "entries/s");
    Results.Series decodeAkka = results.series(b.name(), w,
        "decode of their messages alone in memory by Akka's Jackson serializer (diagnostic)",
        "msgs/s");
    Results.Series revFullMs = results.series(b.name(), w, "Revenant recovery time, no snapshot", "ms");
    Results.Series revSnap = results.series(b.name(), w,
        "Revenant recovery, snapshot near the end", "ms");
    Results.Series rawSnap = results.series(b.name(), w,
        "raw SELECT of newest snapshot row + rows after it", "ms");
    Results.Series revSnapInside = results.series(b.name(), w,
        "Revenant recovery, snapshot near the end: RecoveryReport.duration (diagnostic)", "ms");
    Results.Series revCpu = results.series(b.name(), w,
        "Revenant recovery, no snapshot: this JVM's CPU time per message (diagnostic)", "µs");
    Results.Series rawCpu = results.series(b.name(), w,
        "raw SELECT: this JVM's CPU time per row (diagnostic)", "µs");
    revSnap.target = "milliseconds (≤ 100 ms)";
    revSnap.atMost = 100;
    results.ratio(revFull, rawFull, "Revenant ÷ raw SELECT, no snapshot", "≥ 0.6×", 0.6);
    results.ratio(revFull, rawDecode, "Revenant ÷ raw SELECT + decode (diagnostic)", "", 0);
    results.ratio(revFull, rawPaged, "Revenant ÷ raw SELECT paged as the journal (diagnostic)", "", 0);
    results.ratio(rawCpu, revCpu,
        "raw SELECT's CPU per row ÷ Revenant's per message, this JVM (diagnostic)", "", 0);
    results.ratio(decodeEnvelope, decodeAkka,
        "envelope decode ÷ Akka's decode of the message alone, in memory (diagnostic)", "", 0);

    try (BenchSystem s = BenchSystem.start(b, scratch, Map.of())) {
      Subjects.Kind full = Subjects.revenantNoSnapshot();
      Subjects.Kind snap = Subjects.revenantSnapshotEvery(sizes.w3SnapshotEvery());
      progress("W3 setup: logging " + n + " messages to each of two entities");
      long t1 = s.drive("w3-setup-full", done -> Drivers.burst(full, "big", n, done));
      long t2 = s.drive("w3-setup-snap", done -> Drivers.burst(snap, "big", n, done));
      results.notes.add(b.name() + " W3 setup: " + fmtCount(n) + " messages logged through Revenant"
          + " (sent without waiting) at " + Results.fmt(perSecond(n, t1), "msg/s")
          + " (no snapshots) and " + Results.fmt(perSecond(n, t2), "msg/s")
          + " (snapshot every " + fmtCount(sizes.w3SnapshotEvery()) + ")");
      String fullPid = "bench-replay|big";
      String snapPid = "bench-replay-snap|big";
      RawJdbc jdbc = new RawJdbc(b);
      Serialization ser = s.serialization();
      long snapSeq;
      try (Connection c = s.connect()) {
        snapSeq = jdbc.newestSnapshot(c, snapPid).rows();
        long rows = jdbc.select(c, fullPid, 1, 10_000, b.replayOrder(), null).rows();
        if (rows != n) {
          throw new IllegalStateException("expected " + n + " rows of " + fullPid + ", found " + rows);
        }
      }
      if (snapSeq == 0) {
        throw new IllegalStateException("no snapshot was written for " + snapPid);
      }
      // Warm-up, and the fetch size and ORDER BY: the fastest of a few, measured after one cold
      // pass (the ceiling is the best raw read of these rows this database offers).
      int fetch = FETCH_SIZES[0];
      String order = jdbc.orders().get(0);
      try (Connection c = s.connect()) {
        long best = Long.MAX_VALUE;
        List<String> tried = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
          for (String o : jdbc.orders()) {
            for (int f : FETCH_SIZES) {
              long t = jdbc.select(c, fullPid, 1, f, o, null).nanos();
              if (pass == 1) {
                tried.add(f + " by " + o + ": " + Results.fmt(perSecond(n, t), "rows/s"));
                if (t < best) {
                  best = t;
                  fetch = f;
                  order = o;
                }
              }
            }
          }
        }
        results.notes.add(b.name() + " W3 raw SELECT fetch size " + fetch + ", ORDER BY " + order
            + " chosen (" + String.join(", ", tried) + ")");
      }
      final int fetchSize = fetch;
      final String orderBy = order;
      // The logged entries in memory, and their messages as Akka's Jackson serializer writes
      // them: decoding both in the same repetition isolates decoding from the database.
      List<RawJdbc.Stored> entries;
      try (Connection c = s.connect()) {
        entries = jdbc.stored(c, fullPid);
      }
      List<RawJdbc.Stored> messages = new ArrayList<>(entries.size());
      for (RawJdbc.Stored e : entries) {
        Object message = ((MessageEnvelope) ser.deserialize(e.bytes(), e.serializerId(),
            e.manifest()).get()).message();
        Serializer ms = ser.findSerializerFor(message);
        messages.add(new RawJdbc.Stored(ser.serialize(message).get(), ms.identifier(),
            Serializers.manifestFor(ms, message)));
      }
      final int replayPage = s.config.getInt(s.journalPluginId() + ".replayBatchSize");
      // More warm-up than one repetition: replay code paths take a few rounds to compile.
      for (int i = 0; i < 2; i++) {
        recover(s, full, "big");
        recover(s, snap, "big");
      }
      long[] replayedSnap = {0};
      List<Double> inside = new ArrayList<>();
      List<Double> revCpuValues = new ArrayList<>();
      List<Double> rawCpuValues = new ArrayList<>();
      List<Measure> measures = List.of(
          () -> {
            long cpu = processCpuNanos();
            RecoveryReport rep = recover(s, full, "big");
            revCpuValues.add((processCpuNanos() - cpu) / 1e3 / n);
            if (rep.messagesReplayed() != n) {
              throw new IllegalStateException("replayed " + rep.messagesReplayed() + " of " + n);
            }
            return perSecond(rep.messagesReplayed(), lastSpawnNanos);
          },
          () -> {
            try (Connection c = s.connect()) {
              long cpu = processCpuNanos();
              double rate = perSecond(n, jdbc.select(c, fullPid, 1, fetchSize, orderBy, null).nanos());
              rawCpuValues.add((processCpuNanos() - cpu) / 1e3 / n);
              return rate;
            }
          },
          () -> {
            try (Connection c = s.connect()) {
              return perSecond(n, jdbc.select(c, fullPid, 1, fetchSize, orderBy, ser).nanos());
            }
          },
          () -> {
            try (Connection c = s.connect()) {
              RawJdbc.Read read = jdbc.selectPaged(c, fullPid, 1, replayPage);
              if (read.rows() != n) {
                throw new IllegalStateException("paged read found " + read.rows() + " rows");
              }
              return perSecond(n, read.nanos());
            }
          },
          () -> perSecond(n, decodeAll(ser, entries)),
          () -> perSecond(n, decodeAll(ser, messages)),
          () -> {
            RecoveryReport rep = recover(s, snap, "big");
            replayedSnap[0] = rep.messagesReplayed();
            inside.add(rep.duration().toNanos() / 1e6);
            if (rep.snapshotSequenceNr() == 0) {
              throw new IllegalStateException("recovery did not start from a snapshot");
            }
            return lastSpawnNanos / 1e6;
          },
          () -> {
            try (Connection c = s.connect()) {
              RawJdbc.Read snapRead = jdbc.newestSnapshot(c, snapPid);
              RawJdbc.Read rest = jdbc.select(c, snapPid, snapRead.rows() + 1, fetchSize, orderBy, null);
              return (snapRead.nanos() + rest.nanos()) / 1e6;
            }
          });
      List<String> names = List.of("W3 Revenant recovery (no snapshot)", "W3 raw SELECT",
          "W3 raw SELECT + decode", "W3 raw SELECT paged as the journal",
          "W3 decode of the entries in memory", "W3 Akka's decode of the messages in memory",
          "W3 Revenant recovery (snapshot)", "W3 raw snapshot + rows");
      for (int r = 0; r <= sizes.reps(); r++) {
        rep(s, r, sizes.reps(), names,
            List.of(revFull, rawFull, rawDecode, rawPaged, decodeEnvelope, decodeAkka, revSnap,
                rawSnap), measures);
      }
      // Recorded by the measures above in every run, warm-up included: the measured ones last.
      revSnapInside.values.addAll(lastReps(inside));
      revCpu.values.addAll(lastReps(revCpuValues));
      rawCpu.values.addAll(lastReps(rawCpuValues));
      for (double rate : revFull.values) {
        revFullMs.values.add(n / rate * 1000);
      }
      results.notes.add(b.name() + " W3: newest snapshot at sequence number " + snapSeq + " of " + n
          + "; recovery from it replayed " + replayedSnap[0] + " messages");
    }
  }

  private long lastSpawnNanos;

  /** The values of the measured repetitions: the last {@code reps} recorded. */
  private List<Double> lastReps(List<Double> recorded) {
    return recorded.subList(recorded.size() - sizes.reps(), recorded.size());
  }

  /**
   * CPU time used by this JVM so far, every thread (GC and JIT included; an external database
   * server's work is not in it). On two noisy cores it moves less than the elapsed time.
   */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Nanoseconds to deserialize every stored payload, on this thread. */
  private static long decodeAll(Serialization ser, List<RawJdbc.Stored> stored) {
    long start = System.nanoTime();
    int check = 0;
    for (RawJdbc.Stored e : stored) {
      check += ser.deserialize(e.bytes(), e.serializerId(), e.manifest()).get().hashCode() & 1;
    }
    long nanos = System.nanoTime() - start;
    if (check == -1) {
      System.err.print(""); // keep the results from being optimized away
    }
    return nanos;
  }

  /** Spawns a fresh incarnation of an entity, waits for its recovery, stops it. */
  private RecoveryReport recover(BenchSystem s, Subjects.Kind kind, String id) throws Exception {
    Host.Spawned<CounterMsg> e = s.spawn(kind.create(id),
        kind.entityType() + "-" + id + "-" + System.nanoTime(), kind.entityType(), id);
    lastSpawnNanos = e.spawnToRecoveredNanos();
    s.stop(e.ref());
    return e.report();
  }

  // ------------------------------------------------------------------ report

  private void recordEnvironment(BenchSystem s) throws Exception {
    if (environment.isEmpty()) {
      List<String> host = new ArrayList<>();
      host.add("JDK: " + System.getProperty("java.vm.name") + " "
          + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")");
      host.add("JVM flags: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
      host.add("Max heap: " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
      host.add("Cores: " + Runtime.getRuntime().availableProcessors() + " (" + cpuModel() + ")");
      host.add("Memory: " + memTotal());
      host.add("OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
          + System.getProperty("os.arch"));
      host.add("Akka: " + akka.Version.current() + "; akka-persistence-jdbc: "
          + jarVersion(akka.persistence.jdbc.journal.JdbcAsyncWriteJournal.class));
      host.add("Revenant: git " + System.getProperty("bench.git", "unknown"));
      host.add("Mode: " + (quick ? "quick" : "full") + "; " + sizes);
      environment.put("Host", host);
    }
    List<String> db = new ArrayList<>();
    try (Connection c = s.connect()) {
      DatabaseMetaData md = c.getMetaData();
      db.add("Database: " + md.getDatabaseProductName() + " " + md.getDatabaseProductVersion()
          + "; driver " + md.getDriverName() + " " + md.getDriverVersion());
      db.add("URL: " + safeUrl(s.db().getString("url")) + (s.backend.name().equals("h2-file")
          ? " (a fresh temporary data dir for each run: every repetition of W1 and W2, and W3)"
          : " (tables event_journal, event_tag, snapshot truncated before each run)"));
      List<String> settings = s.backend.settings(c);
      if (!settings.isEmpty()) {
        db.add("Database settings: " + String.join(", ", settings));
      }
    }
    String jp = s.journalPluginId();
    db.add("Journal plugin " + jp + ": batchSize " + s.config.getInt(jp + ".batchSize")
        + ", parallelism " + s.config.getInt(jp + ".parallelism")
        + ", replayBatchSize " + s.config.getInt(jp + ".replayBatchSize")
        + "; pool max-connections " + s.config.getInt("revenant.journal.pool.max-connections")
        + (s.db().hasPath("properties")
            ? "; driver properties (raw baselines too) " + s.db().getConfig("properties").root()
                .unwrapped()
            : ""));
    db.add("Revenant: group-commit.max-batch-size " + s.config.getInt("revenant.group-commit.max-batch-size")
        + ", validate-serialization " + s.config.getBoolean("revenant.validate-serialization")
        + ", checkpoint every " + s.config.getInt("revenant.checkpoint.every-messages")
        + " (keep " + s.config.getInt("revenant.checkpoint.keep-snapshots") + ", delete covered "
        + s.config.getBoolean("revenant.checkpoint.delete-covered-messages") + ")"
        + " in W1/W2; W3 entities keep their whole log, one with a snapshot every "
        + fmtCount(sizes.w3SnapshotEvery()));
    RawJdbc.Payload env = envelopePayload(s);
    RawJdbc.Payload added = payload(s.serialization(), new Added(1));
    db.add("Journal payload per message: Revenant envelope " + env.bytes().length
        + " bytes (also used for the raw inserts); hand-written event " + added.bytes().length
        + " bytes; serializer id " + env.serializerId());
    environment.put("Backend " + s.backend.name(), db);
  }

  private String report(Duration took, String loadBefore) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Revenant benchmark, ")
        .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
        .append(" (").append(quick ? "quick" : "full").append(")\n\n");
    sb.append("Command: `src-test/bin/bench").append(quick ? " --quick" : "")
        .append(" --backend ").append(String.join(",", backends.stream().map(Backend::name).toList()))
        .append(" --only ").append(String.join(",", only))
        .append(reps == null ? "" : " --reps " + reps)
        .append(options.containsKey("postgres-url")
            ? " --postgres-url " + safeUrl(options.get("postgres-url")) : "")
        .append(options.containsKey("mariadb-url")
            ? " --mariadb-url " + safeUrl(options.get("mariadb-url")) : "")
        .append("`; took ").append(took.toMinutes()).append(" min ").append(took.toSecondsPart())
        .append(" s. Median and spread over ").append(sizes.reps())
        .append(" repetitions after ").append(sizes.warmups())
        .append(" warm-up repetitions (W3: one, plus two recoveries of each entity); ratios are medians of per-repetition ratios"
            + " (Revenant and its baseline measured in the same repetition, on the same database).\n\n");
    sb.append(results.table()).append('\n');
    sb.append("## Environment\n\n");
    for (Map.Entry<String, List<String>> e : environment.entrySet()) {
      sb.append("**").append(e.getKey()).append("**\n\n");
      for (String line : e.getValue()) {
        sb.append("- ").append(line).append('\n');
      }
      sb.append('\n');
    }
    sb.append("- Load average before / after: ").append(loadBefore).append(" / ")
        .append(loadAverage()).append("\n\n");
    sb.append("## Notes\n\n");
    sb.append("- W1: each repetition in a fresh journal; entities are spawned and recovered before the"
        + " clock starts; the clock runs from the first message to the last reply. The raw insert"
        + " writes the same number of rows (Revenant's envelope bytes) under its own persistence ids,"
        + " interleaved as the entities' writes are. CPU per message: this JVM's CPU time (every"
        + " thread, GC and JIT included) over the same phase, divided by the messages; on h2-file"
        + " it includes the database's work, on the servers it does not. The diagnostic"
        + " hand-written variant that persists the command itself (with its reply address) as its"
        + " event is what logging each message costs an EventSourcedBehavior written by hand;"
        + " the baseline persists a 10-byte event.\n");
    sb.append("- W2: from the first send to the last reply. The hand-written burst is shorter than"
        + " Revenant's (it runs at one commit per message); rates are compared. Revenant runs with"
        + " its default checkpoint policy (a snapshot every 1,000 messages, deleting the covered"
        + " entries) in W1 and W2; the diagnostic row without checkpoints shows what they cost.\n");
    sb.append("- W3: recovery is timed from spawning a fresh incarnation to its RecoveryReport; the raw"
        + " SELECT reads every column of the same rows as the journal's replay query, in one query."
        + " The paged diagnostic repeats the journal's replay queries (pages of replayBatchSize"
        + " rows, each an open-ended range with ORDER BY ... LIMIT, until a short page), in the"
        + " order the backend's journal DAO asks for: " + PAGED_ORDER + ".\n");
    if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .anyMatch(a -> a.startsWith("-Xss"))) {
      sb.append("- The JVM runs with a larger thread stack (-Xss, see src-test/bin/bench): with the"
          + " default 1 MB, bursts of 100,000 messages to one Revenant entity overflowed the stack"
          + " in Akka's recursive unstashing about half of the time, killing the JVM.\n");
    }
    for (String n : results.notes) {
      sb.append("- ").append(n).append('\n');
    }
    if (!results.failures.isEmpty()) {
      sb.append("\n## Failures\n\n");
      for (String f : results.failures) {
        sb.append("- ").append(f).append('\n');
      }
    }
    sb.append("\n## Raw values\n\n").append(results.raw());
    return sb.toString();
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      System.err.println("[bench] could not delete " + root + ": " + e);
    }
  }

  static String fmtCount(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** The URL with the value of any password parameter hidden. */
  static String safeUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static String jarVersion(Class<?> c) {
    try {
      String path = c.getProtectionDomain().getCodeSource().getLocation().getPath();
      // bin/bench copies the jars as <n>-<name>.jar
      return path.substring(path.lastIndexOf('/') + 1).replaceFirst("^\\d+-", "");
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown CPU";
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
