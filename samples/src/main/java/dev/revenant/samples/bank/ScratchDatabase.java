package dev.revenant.samples.bank;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throw-away journal for one run of {@code samples/bin/cluster-demo} on a server database: a new
 * PostgreSQL schema or MariaDB database on the server the given JDBC URL points at, so that a
 * demo run starts from an empty journal (accounts, remembered entities) and never touches the
 * tables already there. The demo drops it again when it ends.
 *
 * <pre>
 *   ScratchDatabase create postgres|mariadb URL   prints "NAME URL-OF-THE-NEW-ONE"
 *   ScratchDatabase drop postgres|mariadb URL NAME
 * </pre>
 *
 * User and password are Revenant's for that backend ({@code revenant.journal.<backend>.user},
 * {@code REVENANT_DB_USER}, {@code REVENANT_DB_PASSWORD}). Only names this class makes
 * ({@code revenant_demo_...}) are ever dropped. Exit status 2 with the reason on stderr when
 * the arguments are wrong or the database refuses.
 */
public final class ScratchDatabase {
  /** The prefix of every name made here; drop refuses any other name. */
  static final String PREFIX = "revenant_demo_";
  private static final Pattern NAME = Pattern.compile(PREFIX + "[0-9a-z_]{1,40}");
  /** jdbc:mariadb://host[:port]/database[?options]: group 1 before the database, 3 after. */
  private static final Pattern MARIADB_URL =
      Pattern.compile("(jdbc:(?:mariadb|mysql)://[^/?]+/)([^?]*)(\\?.*)?");

  private ScratchDatabase() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args, System.out));
    } catch (IllegalArgumentException e) {
      System.err.println("scratch-database: " + e.getMessage());
      System.err.println("usage: ScratchDatabase create postgres|mariadb URL");
      System.err.println("       ScratchDatabase drop postgres|mariadb URL NAME");
      System.exit(2);
    } catch (SQLException e) {
      System.err.println("scratch-database: " + String.join(" ", args) + ": the database"
          + " failed: " + e.getMessage());
      System.exit(2);
    }
  }

  static int run(String[] args, PrintStream out) throws SQLException {
    if (args.length < 3) {
      throw new IllegalArgumentException("expected a command, a backend and a JDBC URL, got "
          + args.length + " argument(s)");
    }
    String backend = backend(args[1]);
    String url = args[2];
    switch (args[0]) {
      case "create" -> {
        if (args.length != 3) {
          throw new IllegalArgumentException("create takes a backend and a URL, got ["
              + String.join(" ", args) + "]");
        }
        String name = newName();
        String scratchUrl = scratchUrl(backend, url, name);
        execute(backend, url, (backend.equals("postgres") ? "CREATE SCHEMA " : "CREATE DATABASE ")
            + name);
        out.println(name + " " + scratchUrl);
        return 0;
      }
      case "drop" -> {
        if (args.length != 4 || !NAME.matcher(args[3]).matches()) {
          throw new IllegalArgumentException("drop takes a backend, a URL and a name made by"
              + " create (" + PREFIX + "...), got [" + String.join(" ", args) + "]");
        }
        execute(backend, url, backend.equals("postgres")
            ? "DROP SCHEMA IF EXISTS " + args[3] + " CASCADE"
            : "DROP DATABASE IF EXISTS " + args[3]);
        return 0;
      }
      default -> throw new IllegalArgumentException("unknown command [" + args[0]
          + "]; possible values: create, drop");
    }
  }

  private static String backend(String name) {
    if (!name.equals("postgres") && !name.equals("mariadb")) {
      throw new IllegalArgumentException("backend must be postgres or mariadb, was [" + name
          + "]");
    }
    return name;
  }

  /** A new name: the time, then random letters (two demos started in the same second). */
  static String newName() {
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
    StringBuilder random = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      random.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
    }
    return PREFIX + time + "_" + random;
  }

  /** The URL of the scratch schema or database {@code name} on the server of {@code url}. */
  static String scratchUrl(String backend, String url, String name) {
    if (backend.equals("postgres")) {
      if (!url.startsWith("jdbc:postgresql://")) {
        throw new IllegalArgumentException("a postgres URL starts with jdbc:postgresql://, was ["
            + url + "]");
      }
      if (url.toLowerCase().contains("currentschema=")) {
        throw new IllegalArgumentException("the URL already chooses a schema (currentSchema),"
            + " the scratch schema could not be chosen instead: [" + url + "]");
      }
      return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }
    Matcher m = MARIADB_URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException("a mariadb URL has the form"
          + " jdbc:mariadb://HOST[:PORT]/DATABASE[?OPTIONS], was [" + url + "]");
    }
    return m.group(1) + name + (m.group(3) == null ? "" : m.group(3));
  }

  private static void execute(String backend, String url, String sql) throws SQLException {
    Config c = ConfigFactory.load().getConfig("revenant.journal." + backend);
    try (Connection connection =
            DriverManager.getConnection(url, c.getString("user"), c.getString("password"));
        Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }
}
