package dev.revenant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic behind every figure the benchmark reports: medians, spreads, paired ratios. */
class ResultsTest {

  @Test
  void aRatioIsTheMedianOfPerRepetitionRatiosNotTheRatioOfMedians() {
    Results r = new Results();
    Results.Series rev = r.series("pg", "W1", "Revenant", "msg/s");
    Results.Series raw = r.series("pg", "W1", "raw", "rows/s");
    // A fast and a slow hour: each repetition's pair moves together.
    rev.values.addAll(List.of(50.0, 10.0, 30.0));
    raw.values.addAll(List.of(100.0, 40.0, 50.0));
    r.ratio(rev, raw, "Revenant ÷ raw", "≥ 0.6×", 0.6);
    assertEquals(List.of(0.25, 0.5, 0.6),
        new Results.Ratio(rev, raw, "", "", 0).perRep());
    // The ratio of the medians (30 / 50) would be 0.6 and meet the target; the paired median
    // is 0.5 and does not.
    String row = line(r.table(), "Revenant ÷ raw");
    assertTrue(row.contains("| **0.50×** | 0.25× – 0.60× | 3 | ≥ 0.6× | **no** |"), row);
  }

  @Test
  void aFailedRepetitionCountsInNeitherTheMedianNorTheRatio() {
    Results r = new Results();
    Results.Series rev = r.series("h2", "W3", "Revenant", "msg/s");
    Results.Series raw = r.series("h2", "W3", "raw", "rows/s");
    rev.values.addAll(List.of(80.0, Double.NaN, 60.0, 70.0));
    raw.values.addAll(List.of(100.0, 100.0, 100.0, Double.NaN));
    r.ratio(rev, raw, "Revenant ÷ raw", "≥ 0.6×", 0.6);
    assertEquals(70.0, rev.median());
    String table = r.table();
    assertTrue(line(table, "| Revenant |").contains("| 70 msg/s | 60 msg/s – 80 msg/s | 3 |"),
        table);
    assertTrue(line(table, "Revenant ÷ raw").contains("| **0.70×** | 0.60× – 0.80× | 2 | ≥ 0.6× | yes |"),
        table);
  }

  @Test
  void anUpperBoundIsMetByAMedianAtOrBelowIt() {
    Results r = new Results();
    Results.Series lat = r.series("pg", "W5", "p50 ÷ budget", "×");
    lat.target = "≤ 1.0×";
    lat.atMost = 1.0;
    lat.values.addAll(List.of(0.9, 1.2, 1.0, 0.8));
    assertEquals(0.95, lat.median(), 1e-12);
    assertTrue(line(r.table(), "p50 ÷ budget").endsWith("| 0.95× | 0.80× – 1.20× | 4 | ≤ 1.0× | yes |"));
    lat.values.add(1.3);
    assertTrue(line(r.table(), "p50 ÷ budget").endsWith("| 1.00× | 0.80× – 1.30× | 5 | ≤ 1.0× | yes |"));
    lat.values.add(1.4);
    assertTrue(line(r.table(), "p50 ÷ budget").endsWith("| 1.10× | 0.80× – 1.40× | 6 | ≤ 1.0× | **no** |"));
  }

  @Test
  void withEveryRepetitionFailedNothingIsClaimed() {
    Results r = new Results();
    Results.Series rev = r.series("mariadb", "W1", "Revenant", "msg/s");
    Results.Series raw = r.series("mariadb", "W1", "raw", "rows/s");
    rev.values.addAll(List.of(Double.NaN, Double.NaN));
    raw.values.addAll(List.of(10.0, 20.0));
    r.ratio(rev, raw, "Revenant ÷ raw", "≥ 0.6×", 0.6);
    String table = r.table();
    assertTrue(line(table, "| Revenant |").contains("| n/a | n/a | 0 |"), table);
    assertTrue(line(table, "Revenant ÷ raw").endsWith("| **n/a** | n/a | 0 | ≥ 0.6× |  |"), table);
  }

  private static String line(String table, String containing) {
    return table.lines().filter(l -> l.contains(containing)).findFirst()
        .orElseThrow(() -> new AssertionError("no row with [" + containing + "] in\n" + table));
  }
}
