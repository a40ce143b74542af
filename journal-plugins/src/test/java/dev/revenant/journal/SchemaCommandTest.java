package dev.revenant.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SchemaCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return SchemaCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsTheDdlOfEachBackend() {
    assertThat(run("print", "postgres")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("CREATE TABLE IF NOT EXISTS event_journal")
        .contains("CREATE TABLE IF NOT EXISTS snapshot");
    out.reset();
    assertThat(run("print", "mariadb")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("LONGBLOB");
  }

  @Test
  void anUnknownBackendOrCommandIsRefusedByName() {
    assertThat(run("print", "oracle")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown backend [oracle]");
    err.reset();
    assertThat(run("drop")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: schema print");
  }
}
