package dev.revenant.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * W6, fail-over: samples/bin/cluster-demo per cluster profile (three bank nodes, each its own JVM
 * on 127.0.0.1, on one shared journal, deposits into 100 accounts, kill -9 of the node hosting
 * the most accounts), timed from the kill until the victim is noticed, removed, and until every
 * one of its accounts answered again from a survivor. Each run also checks that no
 * acknowledged deposit was lost. Nothing to compare with in the same run: absolute times.
 *
 * <p>The shared journal is the backend's server: for h2-file, whose file one JVM holds, the
 * H2 journal server (h2-server, the same database engine over TCP); for postgres and mariadb a
 * new schema or database per run on the benchmark's server (the demo makes and drops it).
 */
final class Failover {
  private static final int ACCOUNTS = 100;
  /** cluster-demo's own bound is 150 s of fail-over plus start-up; this one is a backstop. */
  private static final long RUN_TIMEOUT_MINUTES = 6;

  private final Bench bench;
  private final Backend backend;

  Failover(Bench bench, Backend backend) {
    this.bench = bench;
    this.backend = backend;
  }

  /** The journal the demo's nodes share when the benchmark runs on {@code backend}. */
  static String clusterJournal(Backend backend) {
    return backend.serverUrl() == null ? "h2-server" : backend.name();
  }

  void run() throws Exception {
    Path demo = Path.of("samples/bin/cluster-demo").toAbsolutePath();
    if (!Files.isExecutable(demo)) {
      throw new IllegalStateException(demo + " is missing (run from the project root)");
    }
    Results results = bench.results;
    int runs = Math.min(bench.sizes.reps(), 3);
    String journal = clusterJournal(backend);
    List<String> args = new ArrayList<>(List.of("--journal", journal));
    if (backend.serverUrl() != null) {
      args.addAll(List.of("--jdbc-url", backend.serverUrl()));
    }
    List<String> victims = new ArrayList<>();
    for (String profile : bench.sizes.w6Profiles()) {
      String w = "W6 fail-over, kill -9 of 1 of 3 nodes, profile " + profile;
      Results.Series detection = results.series(journal, w,
          "victim seen unreachable (from the kill)", "s");
      Results.Series downing = results.series(journal, w,
          "victim downed and removed", "s");
      Results.Series answering = results.series(journal, w,
          "every account of the victim answering again", "s");
      for (int r = 1; r <= runs; r++) {
        Bench.progress("W6 " + journal + " " + profile + " run " + r + " of " + runs);
        Map<String, String> t = runDemo(demo, profile, args);
        victims.add(profile + " " + t.get("victim") + " (" + t.get("victim_accounts")
            + " accounts)");
        detection.values.add(seconds(t, "detection_ms"));
        downing.values.add(seconds(t, "downing_ms"));
        answering.values.add(seconds(t, "answering_ms"));
        Bench.progress("W6 " + journal + " " + profile + " run " + r + ": all answering after "
            + t.get("answering_ms") + " ms; " + t.get("acknowledged") + " deposits acknowledged,"
            + " " + t.get("lost") + " lost");
      }
    }
    results.notes.add("W6 on " + journal + ": " + runs + " runs per profile of"
        + " `samples/bin/cluster-demo --profile P --accounts " + ACCOUNTS + " --victim most "
        + String.join(" ", args) + "` (each node a JVM on 127.0.0.1"
        + (journal.equals("h2-server") ? ", the journal an H2 server started by the demo"
            : ", the journal a new " + (journal.equals("postgres") ? "schema" : "database")
                + " on the benchmark's server") + "); the victim is the node hosting the most accounts (node1 is the oldest,"
        + " which runs the shard coordinator): " + String.join(", ", victims) + ". No warm-up:"
        + " every run starts a new cluster. Every run checked that no acknowledged deposit was"
        + " lost (a run that lost one fails the benchmark).");
  }

  private static double seconds(Map<String, String> timings, String key) {
    String v = timings.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("cluster-demo wrote no " + key + ": " + timings);
    }
    return Long.parseLong(v.trim()) / 1000.0;
  }

  /** Runs the demo once; returns its timings, or throws with the end of its output. */
  private static Map<String, String> runDemo(Path demo, String profile, List<String> journalArgs)
      throws Exception {
    Path timings = Files.createTempFile("revenant-w6-", ".timings");
    Path output = Files.createTempFile("revenant-w6-", ".out");
    try {
      List<String> command = new ArrayList<>(List.of(demo.toString(), "--profile", profile,
          "--accounts", String.valueOf(ACCOUNTS), "--victim", "most", "--timings",
          timings.toString()));
      command.addAll(journalArgs);
      Process p = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      if (!p.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        // The demo kills the JVMs it started (by PID) when it is terminated.
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
        throw new IllegalStateException("cluster-demo --profile " + profile + " did not finish"
            + " within " + RUN_TIMEOUT_MINUTES + " min; its output ends: " + tail(output));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("cluster-demo --profile " + profile + " exited with "
            + p.exitValue() + (p.exitValue() == 1 ? " (an acknowledged deposit was lost)" : "")
            + "; its output ends: " + tail(output));
      }
      Map<String, String> t = new HashMap<>();
      for (String line : Files.readAllLines(timings, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          t.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      if (!"0".equals(t.get("lost"))) {
        throw new IllegalStateException("cluster-demo reported lost deposits: " + t);
      }
      return t;
    } finally {
      Files.deleteIfExists(timings);
      Files.deleteIfExists(output);
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }
}
