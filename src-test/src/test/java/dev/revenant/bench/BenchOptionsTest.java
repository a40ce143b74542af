package dev.revenant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's command line: what it accepts, and that each mistake is named. */
class BenchOptionsTest {

  @Test
  void noArgumentsIsTheFullRunOnH2File() {
    BenchOptions o = BenchOptions.parse();
    assertFalse(o.quick());
    assertEquals(List.of("h2-file"), o.backends());
    assertNull(o.only(), "the mode decides the workloads when --only is absent");
    assertNull(o.reps());
    assertEquals(Path.of("src-test/bench-results"), o.out());
    assertEquals(Map.of(), o.urls());
  }

  @Test
  void everyOptionIsRead() {
    BenchOptions o = BenchOptions.parse("--quick", "--backend", "postgres, mariadb", "--only",
        "W3,w1", "--reps", "7", "--out", "/tmp/x", "--postgres-url",
        "jdbc:postgresql://127.0.0.1:5432/other", "--mariadb-url",
        "jdbc:mariadb://127.0.0.1:3306/other");
    assertTrue(o.quick());
    assertEquals(List.of("postgres", "mariadb"), o.backends());
    assertEquals(List.of("w3", "w1"), o.only());
    assertEquals(7, o.reps());
    assertEquals(Path.of("/tmp/x"), o.out());
    assertEquals("jdbc:postgresql://127.0.0.1:5432/other", o.urls().get("postgres-url"));
    assertEquals("jdbc:mariadb://127.0.0.1:3306/other", o.urls().get("mariadb-url"));
    assertFalse(BenchOptions.parse("--quick", "--full").quick(), "the last mode given wins");
  }

  @Test
  void eachMistakeIsNamed() {
    assertMistake("unknown argument [--fast]", "--fast");
    assertMistake("--reps needs a value", "--reps");
    assertMistake("--reps needs a value, found the option [--quick]", "--reps", "--quick");
    assertMistake("--reps: [abc] is not a whole number", "--reps", "abc");
    assertMistake("--reps: [0] must be at least 1", "--reps", "0");
    assertMistake("--backend: unknown value [postgresql] in [h2-file,postgresql]; possible"
        + " values: h2-file, postgres, mariadb", "--backend", "h2-file,postgresql");
    assertMistake("--backend: unknown value [] in [h2-file,]", "--backend", "h2-file,");
    assertMistake("--backend: [postgres] given twice", "--backend", "postgres,postgres");
    assertMistake("--only: unknown value [w7] in [w1,w7]; possible values: w1, w2, w3, w4, w5,"
        + " w6", "--only", "w1,w7");
    assertMistake("--postgres-url: [jdbc:mariadb://127.0.0.1/test] does not start with"
        + " jdbc:postgresql:", "--postgres-url", "jdbc:mariadb://127.0.0.1/test");
    assertMistake("--mariadb-url: [127.0.0.1:3306] does not start with jdbc:mariadb: or"
        + " jdbc:mysql:", "--mariadb-url", "127.0.0.1:3306");
    assertMistake("--out needs a value", "--quick", "--out");
  }

  private static void assertMistake(String expectedStart, String... args) {
    BenchOptions.UsageException e =
        assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse(args));
    assertTrue(e.getMessage().startsWith(expectedStart),
        () -> "expected a message starting with [" + expectedStart + "], got [" + e.getMessage()
            + "]");
  }
}
