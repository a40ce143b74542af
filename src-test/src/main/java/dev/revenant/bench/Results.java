package dev.revenant.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Measurements per repetition, their medians and spreads, ratios and targets, as Markdown. */
final class Results {

  /** One measured quantity: a value per repetition (NaN where that repetition failed). */
  static final class Series {
    final String backend;
    final String workload;
    final String measure;
    final String unit;
    final List<Double> values = new ArrayList<>();
    String target = "";
    /** An absolute target: the median must be at most this (NaN: none). */
    double atMost = Double.NaN;

    Series(String backend, String workload, String measure, String unit) {
      this.backend = backend;
      this.workload = workload;
      this.measure = measure;
      this.unit = unit;
    }

    List<Double> ok() {
      return values.stream().filter(v -> !v.isNaN()).sorted().toList();
    }

    double median() {
      return Results.median(ok());
    }
  }

  /** Revenant over a baseline, per repetition (paired: both measured in the same repetition). */
  record Ratio(Series num, Series den, String label, String target, double atLeast) {
    List<Double> perRep() {
      List<Double> out = new ArrayList<>();
      int n = Math.min(num.values.size(), den.values.size());
      for (int i = 0; i < n; i++) {
        double r = num.values.get(i) / den.values.get(i);
        if (!Double.isNaN(r) && !Double.isInfinite(r)) {
          out.add(r);
        }
      }
      return out.stream().sorted().toList();
    }
  }

  private final Map<String, Series> series = new LinkedHashMap<>();
  private final List<Object> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  final List<String> failures = new ArrayList<>();

  Series series(String backend, String workload, String measure, String unit) {
    String key = backend + "\u0000" + workload + "\u0000" + measure;
    return series.computeIfAbsent(key, k -> {
      Series s = new Series(backend, workload, measure, unit);
      rows.add(s);
      return s;
    });
  }

  void ratio(Series num, Series den, String label, String target, double atLeast) {
    rows.add(new Ratio(num, den, label, target, atLeast));
  }

  static double median(List<Double> sorted) {
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static String fmt(double v, String unit) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (unit.equals("×")) {
      return String.format(Locale.ROOT, v >= 10 ? "%.1f×" : "%.2f×", v);
    }
    if (unit.equals("s")) {
      return String.format(Locale.ROOT, "%.1f s", v);
    }
    if (unit.equals("ms")) {
      return String.format(Locale.ROOT, v >= 100 ? "%,.0f ms" : "%.1f ms", v);
    }
    if (unit.equals("µs")) {
      return String.format(Locale.ROOT, v >= 100 ? "%,.0f µs" : "%.2f µs", v);
    }
    return String.format(Locale.ROOT, "%,.0f %s", v, unit);
  }

  static String spread(List<Double> sorted, String unit) {
    if (sorted.isEmpty()) {
      return "n/a";
    }
    String lo = fmt(sorted.get(0), unit);
    String hi = fmt(sorted.get(sorted.size() - 1), unit);
    return lo + " – " + hi;
  }

  /** The one results table: absolute figures, then ratios against same-run baselines. */
  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Backend | Workload | Measure | Median | Spread (min – max) | n | Target | Met |\n");
    sb.append("|---|---|---|---:|---:|---:|---|---|\n");
    for (Object row : rows) {
      if (row instanceof Series s) {
        List<Double> ok = s.ok();
        sb.append("| ").append(s.backend).append(" | ").append(s.workload).append(" | ")
            .append(s.measure).append(" | ").append(fmt(s.median(), s.unit)).append(" | ")
            .append(spread(ok, s.unit)).append(" | ").append(ok.size()).append(" | ")
            .append(s.target).append(" | ")
            .append(met(Double.isNaN(s.atMost) || ok.isEmpty() ? null : s.median() <= s.atMost))
            .append(" |\n");
      } else if (row instanceof Ratio r) {
        List<Double> per = r.perRep();
        double med = median(per);
        Boolean met = r.target().isEmpty() || per.isEmpty() ? null : med >= r.atLeast();
        sb.append("| ").append(r.num().backend).append(" | ").append(r.num().workload)
            .append(" | **").append(r.label()).append("** | **").append(fmt(med, "×"))
            .append("** | ").append(spread(per, "×")).append(" | ").append(per.size())
            .append(" | ").append(r.target()).append(" | ").append(met(met)).append(" |\n");
      }
    }
    return sb.toString();
  }

  /** Every repetition's value, for the record. */
  String raw() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Backend | Workload | Measure | Values per repetition (in run order) |\n");
    sb.append("|---|---|---|---|\n");
    for (Object row : rows) {
      if (row instanceof Series s) {
        List<String> vs = new ArrayList<>();
        for (double v : s.values) {
          vs.add(fmt(v, s.unit));
        }
        sb.append("| ").append(s.backend).append(" | ").append(s.workload).append(" | ")
            .append(s.measure).append(" | ").append(String.join(", ", vs)).append(" |\n");
      }
    }
    return sb.toString();
  }

  private static String met(Boolean met) {
    return met == null ? "" : met ? "yes" : "**no**";
  }
}
