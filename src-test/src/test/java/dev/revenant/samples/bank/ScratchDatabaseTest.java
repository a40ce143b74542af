package dev.revenant.samples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The URLs and names of cluster-demo's throw-away journals, and what it refuses. */
class ScratchDatabaseTest {
  private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true,
      StandardCharsets.UTF_8);

  @Test
  void aPostgresScratchJournalIsASchemaChosenByTheUrl() {
    assertThat(ScratchDatabase.scratchUrl("postgres", "jdbc:postgresql://127.0.0.1:5432/test",
        "revenant_demo_x"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=revenant_demo_x");
    assertThat(ScratchDatabase.scratchUrl("postgres",
        "jdbc:postgresql://127.0.0.1:5432/test?ssl=false", "revenant_demo_x"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?ssl=false&currentSchema=revenant_demo_x");
  }

  @Test
  void aMariaDbScratchJournalIsADatabaseInPlaceOfTheUrlsOwn() {
    assertThat(ScratchDatabase.scratchUrl("mariadb", "jdbc:mariadb://127.0.0.1:3306/test",
        "revenant_demo_x")).isEqualTo("jdbc:mariadb://127.0.0.1:3306/revenant_demo_x");
    assertThat(ScratchDatabase.scratchUrl("mariadb",
        "jdbc:mariadb://127.0.0.1/test?useSsl=false", "revenant_demo_x"))
        .isEqualTo("jdbc:mariadb://127.0.0.1/revenant_demo_x?useSsl=false");
  }

  @Test
  void newNamesAreDistinctAndDroppable() {
    String a = ScratchDatabase.newName();
    String b = ScratchDatabase.newName();
    assertThat(a).isNotEqualTo(b).startsWith(ScratchDatabase.PREFIX).matches("[0-9a-z_]+");
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> ScratchDatabase.run(new String[] {"create", "oracle", "jdbc:x"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[oracle]");
    assertThatThrownBy(() -> ScratchDatabase.run(new String[] {"make", "postgres", "jdbc:x"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown command [make]");
    assertThatThrownBy(() -> ScratchDatabase.run(
        new String[] {"create", "postgres", "jdbc:mariadb://127.0.0.1/test"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(() -> ScratchDatabase.run(
        new String[] {"create", "postgres", "jdbc:postgresql://h/test?currentSchema=s"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already chooses a schema");
    assertThatThrownBy(() -> ScratchDatabase.run(
        new String[] {"create", "mariadb", "jdbc:mariadb://127.0.0.1:3306"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mariadb://HOST[:PORT]/DATABASE");
    assertThatThrownBy(() -> ScratchDatabase.run(new String[] {"create", "postgres"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 2 argument(s)");
  }

  @Test
  void dropRefusesANameItDidNotMake() {
    // Checked before any connection: the URL points nowhere.
    for (String name : new String[] {"test", "public", "revenant_demo_", "revenant_demo_x; DROP"}) {
      assertThatThrownBy(() -> ScratchDatabase.run(
          new String[] {"drop", "postgres", "jdbc:postgresql://127.0.0.1:1/test", name}, out))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("a name made by create");
    }
  }
}
