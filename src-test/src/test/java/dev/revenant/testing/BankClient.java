package dev.revenant.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A small JSON-over-HTTP client of one bank node on 127.0.0.1, in this JVM or in one of its own.
 *
 * <p>{@link #send} and the bank operations built on it wait {@link #TIMEOUT} and expect a JSON
 * answer: a body that is not JSON fails the test. {@link #exchange} and {@link #exchangeAsync}
 * return the answer as it came, JSON or not, within the timeout given, for tests that count
 * failed or unanswered requests (cluster fail-over, chaos) instead of failing on them.
 */
public final class BankClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  /** The request timeout of {@link #send}. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** An answer: status, JSON body, Content-Type. */
  public record Reply(int status, JsonNode body, String contentType) {
    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final HttpClient http;
  private final IntSupplier port;

  /**
   * A client with an HTTP client of its own (5 s connect timeout). {@code port} is asked at each
   * request, so the client follows a node that restarts on another port.
   */
  public BankClient(IntSupplier port) {
    this(httpClient(Duration.ofSeconds(5)), port);
  }

  /** A client that shares {@code http} with others, e.g. one client per cluster member. */
  public BankClient(HttpClient http, IntSupplier port) {
    this.http = http;
    this.port = port;
  }

  /** An HTTP/1.1 client with this connect timeout. */
  public static HttpClient httpClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .build();
  }

  /**
   * Sends a request and returns the answer as it came; {@code body} (JSON, or null for none) is
   * sent with {@code Content-Type: application/json}, {@code headers} are name, value pairs.
   */
  public HttpResponse<String> exchange(
      String method, String path, String body, Duration timeout, String... headers)
      throws IOException, InterruptedException {
    return http.send(request(method, path, body, timeout, headers), BodyHandlers.ofString());
  }

  /** {@link #exchange} without waiting for the answer. */
  public CompletableFuture<HttpResponse<String>> exchangeAsync(
      String method, String path, String body, Duration timeout, String... headers) {
    return http.sendAsync(request(method, path, body, timeout, headers), BodyHandlers.ofString());
  }

  /**
   * {@link #exchange} with {@link #TIMEOUT}, for an answer that must be JSON.
   *
   * @throws AssertionError if the body is not JSON
   */
  public Reply send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpResponse<String> r = exchange(method, path, body, TIMEOUT, headers);
    JsonNode json = parse(r.body());
    if (json == null) {
      throw new AssertionError(method + " " + path + " answered " + r.statusCode()
          + " with a body that is not JSON: [" + r.body() + "]");
    }
    return new Reply(r.statusCode(), json,
        r.headers().firstValue("Content-Type").orElse("<none>"));
  }

  /** {@code text} as JSON, or null if it is not JSON. */
  public static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  public Reply deposit(String account, long amount, String... headers)
      throws IOException, InterruptedException {
    return send("POST", "/accounts/" + account + "/deposit", "{\"amount\": " + amount + "}",
        headers);
  }

  public Reply withdraw(String account, long amount, String... headers)
      throws IOException, InterruptedException {
    return send("POST", "/accounts/" + account + "/withdraw", "{\"amount\": " + amount + "}",
        headers);
  }

  /** The account's balance; asserts that {@code GET /accounts/{id}} answers 200. */
  public long balance(String account) throws IOException, InterruptedException {
    Reply r = send("GET", "/accounts/" + account, null);
    assertThat(r.status()).as("GET /accounts/%s: %s", account, r.body()).isEqualTo(200);
    return r.body().get("balance").asLong();
  }

  public Reply transfer(String id, String from, String to, long amount)
      throws IOException, InterruptedException {
    return send("POST", "/transfers", JSON.createObjectNode().put("id", id).put("from", from)
        .put("to", to).put("amount", amount).toString());
  }

  public Reply getTransfer(String id) throws IOException, InterruptedException {
    return send("GET", "/transfers/" + id, null);
  }

  /** Polls {@code GET /transfers/id}, bounded, until it is no longer pending; its last answer. */
  public Reply awaitFinal(String id, Duration bound) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    Reply r = getTransfer(id);
    while (r.status() == 200 && r.body().path("state").asText().equals("pending")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
      r = getTransfer(id);
    }
    assertThat(r.status()).as("GET /transfers/%s: %s", id, r).isEqualTo(200);
    assertThat(r.body().get("state").asText()).as("state of transfer %s after %s", id, bound)
        .isNotEqualTo("pending");
    return r;
  }

  /**
   * Sends {@code requests} from {@code threads} threads at once; their replies, in the same
   * order, each awaited for at most {@code timeout}.
   */
  public static List<Reply> concurrently(
      int threads, Duration timeout, List<Callable<Reply>> requests) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Reply>> pending = new ArrayList<>();
      for (Callable<Reply> request : requests) {
        pending.add(pool.submit(request));
      }
      List<Reply> replies = new ArrayList<>();
      for (Future<Reply> f : pending) {
        replies.add(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      }
      return replies;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Asserts that {@code method path} is the bank's JSON 404 for an unknown route; the request
   * carries {@code body} unless it is a GET.
   */
  public void assertUnknownRoute(String method, String path, String body)
      throws IOException, InterruptedException {
    Reply r = send(method, path, method.equals("GET") ? null : body);
    assertThat(r.status()).as("reply %s", r).isEqualTo(404);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body()).isEqualTo(JSON.readTree("{\"error\":\"not found\"}"));
  }

  /** Asserts {@code r} is a JSON error with this status whose message mentions all of these. */
  public static void assertError(Reply r, int status, String... mentions) {
    assertThat(r.status()).as("reply %s", r).isEqualTo(status);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body().isObject()).as("body %s", r.body()).isTrue();
    assertThat(r.body().path("error").isTextual()).as("error in %s", r.body()).isTrue();
    assertThat(r.body().get("error").asText()).contains(mentions);
  }

  private HttpRequest request(
      String method, String path, String body, Duration timeout, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port.getAsInt() + path))
        .timeout(timeout)
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }
}
