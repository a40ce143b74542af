package dev.revenant.journal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Which backends a test may use. Server backends run whenever {@code CI=true} (their absence is
 * then a failure); elsewhere they are skipped, with the reason printed, when the server does not
 * answer.
 */
public final class Backends {
  private Backends() {}

  private static final Map<String, String[]> SERVERS =
      Map.of(
          "postgres", new String[] {"jdbc:postgresql://127.0.0.1:5432/test", "postgres"},
          "mariadb", new String[] {"jdbc:mariadb://127.0.0.1:3306/test", "root"});

  /** Skips (outside CI) or fails (in CI) unless the backend's server answers. */
  public static void requireAvailable(String backend) {
    String[] server = SERVERS.get(backend);
    if (server == null) {
      return;
    }
    String reason = reachable(server[0], server[1]);
    if (reason == null) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "backend [" + backend + "] is required under CI=true but " + reason);
    }
    System.out.println("SKIPPED backend [" + backend + "]: " + reason);
    Assumptions.abort("backend [" + backend + "]: " + reason);
  }

  /** A connection to the backend's server (its {@code test} database), as the tests' user. */
  public static Connection connect(String backend) throws SQLException {
    String[] server = SERVERS.get(backend);
    if (server == null) {
      throw new IllegalArgumentException("[" + backend + "] has no server; servers: "
          + SERVERS.keySet());
    }
    return DriverManager.getConnection(server[0], server[1], "");
  }

  private static String reachable(String url, String user) {
    DriverManager.setLoginTimeout(3);
    try (Connection c = DriverManager.getConnection(url, user, "")) {
      return c.isValid(3) ? null : "the server at [" + url + "] does not answer";
    } catch (Exception e) {
      return "the server at [" + url + "] is not reachable: " + e.getMessage();
    }
  }
}
