package dev.revenant.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVMs of the packaged samples (bank nodes, the journal server) started as real processes on
 * 127.0.0.1 for a test: each one's stdout and stderr go to {@code <name>.out} and
 * {@code <name>.log} in a directory of the test's; {@link Node#awaitLine} waits, bounded, for its
 * ready line; {@link Node#kill9} sends SIGKILL to its PID; {@link #close} kills every one still
 * running (call it in a finally block or {@code @AfterEach}).
 *
 * <p>The classpath is {@code samples/target/revenant-samples.jar} and
 * {@code samples/target/lib/*}, built by the samples module's package phase (a reactor build
 * runs it before this module's tests); {@code -Drevenant.samples.target=DIR} points elsewhere.
 */
public final class JvmNodes implements AutoCloseable {
  public static final String BANK_NODE = "dev.revenant.samples.bank.BankNode";
  public static final String JOURNAL_SERVER = "dev.revenant.journal.JournalServer";
  /** The journal server's ready line; group 1 is its port. */
  public static final Pattern JOURNAL_READY = Pattern.compile("^journal-server ready port=(\\d+)$");

  private static final Duration EXIT_WAIT = Duration.ofSeconds(15);

  private final Path dir;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();

  /** Output files go to {@code dir} (created if missing). */
  public JvmNodes(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** The directory that holds the output files. */
  public Path dir() {
    return dir;
  }

  /**
   * Starts {@code java -cp <samples classpath> mainClass args...} without waiting for it. The
   * output files are named after {@code name} ({@code name-2.out} etc. if taken, e.g. for a
   * restart).
   */
  public Node start(String name, String mainClass, List<String> args) throws IOException {
    String fileName = name;
    for (int i = 2; Files.exists(dir.resolve(fileName + ".out")); i++) {
      fileName = name + "-" + i;
    }
    Path out = dir.resolve(fileName + ".out");
    Path log = dir.resolve(fileName + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(samplesClasspath());
    command.add(mainClass);
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(log.toFile())
            .start();
    Node node = new Node(name, process, out, log);
    nodes.add(node);
    return node;
  }

  /** {@link #start}, then {@link Node#awaitLine} for {@code ready}. */
  public Node startAndAwait(
      String name, String mainClass, List<String> args, Pattern ready, Duration timeout)
      throws IOException, InterruptedException {
    Node node = start(name, mainClass, args);
    node.awaitLine(ready, timeout);
    return node;
  }

  /** Kills (SIGKILL) every node still running and waits for each to exit. */
  @Override
  public void close() {
    for (Node node : nodes) {
      node.process.destroyForcibly();
    }
    for (Node node : nodes) {
      try {
        node.process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One started JVM. */
  public static final class Node {
    private final String name;
    private final Process process;
    private final Path out;
    private final Path log;

    private Node(String name, Process process, Path out, Path log) {
      this.name = name;
      this.process = process;
      this.out = out;
      this.log = log;
    }

    public String name() {
      return name;
    }

    public long pid() {
      return process.pid();
    }

    public Process process() {
      return process;
    }

    /** Its stdout. */
    public Path out() {
      return out;
    }

    /** Its stderr (the log). */
    public Path log() {
      return log;
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    /**
     * Waits up to {@code timeout} for a stdout line matching {@code line} and returns its
     * matcher.
     *
     * @throws AssertionError with the end of the node's log if the process exits first or the
     *     time runs out
     */
    public Matcher awaitLine(Pattern line, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Matcher m = findLine(line);
        if (m != null) {
          return m;
        }
        if (!process.isAlive()) {
          throw new AssertionError("[" + name + "] (pid " + pid() + ") exited with "
              + process.exitValue() + " before printing a line matching [" + line + "]\n"
              + tail(40));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("[" + name + "] (pid " + pid() + ") printed no line matching ["
              + line + "] within " + timeout.toSeconds() + " s\n" + tail(40));
        }
        Thread.sleep(100);
      }
    }

    /** Whether a stdout line printed so far matches {@code line}; does not wait. */
    public boolean hasLine(Pattern line) {
      return findLine(line) != null;
    }

    private Matcher findLine(Pattern line) {
      for (String l : readLines(out)) {
        Matcher m = line.matcher(l);
        if (m.matches()) {
          return m;
        }
      }
      return null;
    }

    /**
     * Sends SIGKILL to the process (no shutdown hook runs) and waits for it to exit; returns its
     * exit status (137 on Linux).
     */
    public int kill9() throws InterruptedException {
      ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
      if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("[" + name + "] (pid " + pid() + ") still running "
            + EXIT_WAIT.toSeconds() + " s after SIGKILL");
      }
      return process.exitValue();
    }

    /** The last {@code lines} lines of its log, with a header naming it. */
    public String tail(int lines) {
      List<String> all = readLines(log);
      return "--- end of the log of [" + name + "] (" + log + ") ---\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The lines of its log that {@code pattern} finds, with a header naming it. */
    public String grep(Pattern pattern) {
      return "--- lines of the log of [" + name + "] (" + log + ") matching " + pattern + " ---\n"
          + String.join("\n", readLines(log).stream().filter(l -> pattern.matcher(l).find())
              .toList());
    }

    @Override
    public String toString() {
      return name + " (pid " + pid() + ")";
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return List.of("(cannot read " + file + ": " + e + ")");
    }
  }

  // ---------------------------------------------------------------- environment

  /** samples/target, next to this module (surefire runs tests in the module's directory). */
  public static Path samplesTarget() {
    String override = System.getProperty("revenant.samples.target");
    if (override != null) {
      return Path.of(override);
    }
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return module.resolve("../samples/target").toAbsolutePath().normalize();
  }

  /** The samples jar and its libraries, as a {@code -cp} value. */
  public static String samplesClasspath() {
    Path target = samplesTarget();
    Path jar = target.resolve("revenant-samples.jar");
    Path lib = target.resolve("lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new AssertionError("The packaged bank node is missing: expected " + jar + " and "
          + lib + "/. Build it with 'mvn -B install -DskipTests -pl samples -am' from the project"
          + " directory (a reactor 'mvn verify' builds it before this module's tests), or point"
          + " -Drevenant.samples.target at the directory that holds them.");
    }
    return jar + File.pathSeparator + lib + File.separator + "*";
  }

  /**
   * {@code n} distinct TCP ports free on 127.0.0.1 right now (each bound to port 0 and released;
   * another process could still take one before it is used).
   */
  public static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        sockets.add(s);
        ports.add(s.getLocalPort());
      }
      return List.copyOf(ports);
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
