package dev.revenant.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's command line, parsed before anything runs: a mistake is named (the option and
 * the value given) instead of surfacing as a stack trace minutes into a run.
 */
record BenchOptions(
    boolean quick,
    List<String> backends,
    List<String> only,
    Integer reps,
    Path out,
    Map<String, String> urls) {

  static final List<String> BACKENDS = List.of("h2-file", "postgres", "mariadb");
  static final List<String> WORKLOADS = List.of("w1", "w2", "w3", "w4", "w5", "w6");
  static final String USAGE = "usage: src-test/bin/bench [--quick] [--backend "
      + String.join(",", BACKENDS) + "] [--only " + String.join(",", WORKLOADS)
      + "] [--reps N] [--out DIR] [--postgres-url URL] [--mariadb-url URL]";

  /** A command line the benchmark cannot run; the message names what was wrong. */
  static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code args}; {@code only} is null when {@code --only} was not given (the mode then
   * decides: W1-W5, and W6 in a full run).
   */
  static BenchOptions parse(String... args) {
    boolean quick = false;
    List<String> backends = List.of("h2-file");
    List<String> only = null;
    Integer reps = null;
    Path out = Path.of("src-test/bench-results");
    Map<String, String> urls = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> quick = true;
        case "--full" -> quick = false;
        case "--backend" -> backends = names(arg, value(args, ++i, arg), BACKENDS);
        case "--only" -> only = names(arg, value(args, ++i, arg).toLowerCase(Locale.ROOT), WORKLOADS);
        case "--reps" -> reps = reps(value(args, ++i, arg));
        case "--out" -> out = Path.of(value(args, ++i, arg));
        case "--postgres-url" -> urls.put("postgres-url",
            url(arg, value(args, ++i, arg), "jdbc:postgresql:"));
        case "--mariadb-url" -> urls.put("mariadb-url",
            url(arg, value(args, ++i, arg), "jdbc:mariadb:", "jdbc:mysql:"));
        default -> throw new UsageException("unknown argument [" + arg + "]");
      }
    }
    return new BenchOptions(quick, backends, only, reps, out, Map.copyOf(urls));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value"
          + (i < args.length ? ", found the option [" + args[i] + "]" : ""));
    }
    return args[i];
  }

  /** A comma-separated list of known names, in the order given, each once. */
  private static List<String> names(String option, String value, List<String> known) {
    List<String> out = new ArrayList<>();
    for (String raw : value.split(",", -1)) {
      String name = raw.trim();
      if (!known.contains(name)) {
        throw new UsageException(option + ": unknown value [" + name + "] in [" + value
            + "]; possible values: " + String.join(", ", known));
      }
      if (out.contains(name)) {
        throw new UsageException(option + ": [" + name + "] given twice in [" + value + "]");
      }
      out.add(name);
    }
    return List.copyOf(out);
  }

  private static int reps(String value) {
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--reps: [" + value + "] is not a whole number");
    }
    if (n < 1) {
      throw new UsageException("--reps: [" + value + "] must be at least 1");
    }
    return n;
  }

  private static String url(String option, String value, String... schemes) {
    for (String scheme : schemes) {
      if (value.startsWith(scheme)) {
        return value;
      }
    }
    throw new UsageException(option + ": [" + value + "] does not start with "
        + String.join(" or ", schemes));
  }
}
