package dev.revenant.bench;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * W4, mass recovery: many entities, each with a log of messages and no snapshot, all started at
 * once in a new actor system (cold: nothing cached in Akka), each sent one message; timed from
 * the start until every one has answered. Baseline: a raw SELECT of each entity's rows, one
 * entity after another on one connection (the sum of the reads recovery has to make).
 */
final class MassRecovery {
  private static final int FETCH_SIZE = 1000;

  private final Bench bench;

  MassRecovery(Bench bench) {
    this.bench = bench;
  }

  void run(Backend b) throws Exception {
    Bench.Sizes z = bench.sizes;
    int entities = z.w4Entities();
    int perEntity = z.w4PerEntity();
    String w = "W4 mass recovery of " + Bench.fmtCount(entities) + " entities × " + perEntity
        + " logged msgs";
    Results results = bench.results;
    Results.Series rev = results.series(b.name(), w,
        "Revenant: new actor system, all entities started at once, each answered one message",
        "msg/s");
    Results.Series revMs = results.series(b.name(), w,
        "Revenant: time until every entity answered", "ms");
    Results.Series raw = results.series(b.name(), w,
        "raw SELECT of each entity's rows, one entity after another (sum of reads)", "rows/s");
    Results.Series rawMs = results.series(b.name(), w, "raw SELECTs: time", "ms");
    results.ratio(rev, raw, "Revenant ÷ sum of raw reads", "", 0);

    Subjects.Kind kind = Subjects.revenant();
    String prefix = "w4-";
    BenchSystem setup = BenchSystem.start(b, bench.scratch, Map.of(), true);
    try {
      try (setup) {
        Bench.progress("W4 setup: logging " + perEntity + " messages to each of " + entities
            + " entities");
        long nanos = setup.drive("w4-setup",
            done -> Drivers.closedLoop(kind, prefix, entities, perEntity, done));
        results.notes.add(b.name() + " W4 setup: " + Bench.fmtCount((long) entities * perEntity)
            + " messages logged through Revenant (closed loop) at "
            + Results.fmt(Bench.perSecond((long) entities * perEntity, nanos), "msg/s")
            + "; each repetition (warm-ups too) logs one more message per entity, so the logs"
            + " grow from " + perEntity + " to " + (perEntity + z.warmups() + z.reps())
            + " entries; no entity has a snapshot (one every 1,000 messages)");
      }
      // Every repetition logs one more message per entity (its answer is what is timed).
      long[] logged = {perEntity};
      for (int r = 1 - z.warmups(); r <= z.reps(); r++) {
        try (BenchSystem s = BenchSystem.reopen(setup, Map.of())) {
          RawJdbc jdbc = new RawJdbc(b);
          double[] times = {Double.NaN, Double.NaN};
          bench.rep(s, r, z.reps(), List.of("W4 Revenant mass recovery", "W4 raw SELECTs"),
              List.of(rev, raw),
              List.of(
                  () -> {
                    long replayed = (long) entities * logged[0];
                    Drivers.Timing t = s.driveTimed("w4",
                        done -> Drivers.closedLoop(kind, prefix, entities, 1, done));
                    logged[0]++;
                    long total = t.startupNanos() + t.runNanos();
                    times[0] = total / 1e6;
                    return Bench.perSecond(replayed, total);
                  },
                  () -> {
                    long rows = 0;
                    long nanos = 0;
                    try (Connection c = s.connect()) {
                      for (int i = 0; i < entities; i++) {
                        RawJdbc.Read read = jdbc.select(c,
                            kind.entityType() + "|" + prefix + i, 1, FETCH_SIZE, b.replayOrder(), null);
                        rows += read.rows();
                        nanos += read.nanos();
                      }
                    }
                    if (rows != (long) entities * logged[0]) {
                      throw new IllegalStateException("expected " + entities * logged[0]
                          + " rows, read " + rows);
                    }
                    times[1] = nanos / 1e6;
                    return Bench.perSecond(rows, nanos);
                  }));
          if (r > 0) {
            revMs.values.add(times[0]);
            rawMs.values.add(times[1]);
          }
        }
      }
    } finally {
      setup.deleteJournal();
    }
    results.notes.add(b.name() + " W4: the clock starts when the driver spawns the entities and"
        + " stops at the last answer; recoveries run at most "
        + "akka.persistence.max-concurrent-recoveries at a time (Akka's default, 50); raw"
        + " SELECTs with fetch size " + FETCH_SIZE + ", one query per entity, ORDER BY "
        + b.replayOrder() + " (the order the journal replays in on this database)");
  }
}
