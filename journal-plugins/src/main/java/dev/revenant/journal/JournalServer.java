package dev.revenant.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.h2.tools.Server;

/**
 * The journal server of the {@code h2-server} backend: an H2 TCP server that several JVMs on
 * this machine share. It listens on 127.0.0.1 only (no {@code -tcpAllowOthers}, bind address
 * loopback) and has no web console. Usage: {@code journal-server [--port P] [--data-dir D]};
 * prints {@code journal-server ready port=P} and runs until killed.
 */
public final class JournalServer {
  private JournalServer() {}

  public static void main(String[] args) throws Exception {
    int port = 9092;
    Path dataDir = Path.of("./data");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
      String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (value == null && i + 1 < args.length && flag.startsWith("--")) {
        value = args[++i];
      }
      switch (flag) {
        case "--port" -> port = parsePort(value);
        case "--data-dir" -> dataDir = Path.of(value);
        default -> {
          System.err.println("unknown argument [" + a + "]; usage: journal-server [--port P]"
              + " [--data-dir D]");
          System.exit(2);
        }
      }
    }
    Server server = start(port, dataDir);
    System.out.println("journal-server ready port=" + server.getPort());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "journal-server-stop"));
    Thread.currentThread().join();
  }

  /** Starts the server on 127.0.0.1:{@code port} with databases under {@code dataDir}. */
  public static Server start(int port, Path dataDir) throws SQLException {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "cannot create the data directory [" + dataDir + "]: " + e.getMessage(), e);
    }
    System.setProperty("h2.bindAddress", "127.0.0.1");
    return Server.createTcpServer(
            "-tcpPort", Integer.toString(port),
            "-baseDir", dataDir.toAbsolutePath().toString(),
            "-ifNotExists")
        .start();
  }

  private static int parsePort(String value) {
    try {
      int p = Integer.parseInt(value);
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException | NullPointerException e) {
      System.err.println("--port must be a number from 1 to 65535, was [" + value + "]");
      System.exit(2);
      return -1;
    }
  }
}
