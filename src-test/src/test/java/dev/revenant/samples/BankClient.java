package dev.revenant.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.function.IntSupplier;

/** A small JSON-over-HTTP client of an in-process bank node, for the transfer tests. */
final class BankClient {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** An answer: status, JSON body, Content-Type. */
  record Reply(int status, JsonNode body, String contentType) {
    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final IntSupplier port;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** {@code port} is asked at each request, so the client follows a node that restarts. */
  BankClient(IntSupplier port) {
    this.port = port;
  }

  /** Sends a request; {@code headers} are name, value pairs. The body must be JSON. */
  Reply send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port.getAsInt() + path))
        .timeout(TIMEOUT)
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), BodyHandlers.ofString());
    JsonNode json;
    try {
      json = JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " answered " + r.statusCode()
          + " with a body that is not JSON: [" + r.body() + "]", e);
    }
    return new Reply(r.statusCode(), json,
        r.headers().firstValue("Content-Type").orElse("<none>"));
  }

  Reply deposit(String account, long amount, String... headers) throws Exception {
    return send("POST", "/accounts/" + account + "/deposit", "{\"amount\": " + amount + "}",
        headers);
  }

  Reply withdraw(String account, long amount, String... headers) throws Exception {
    return send("POST", "/accounts/" + account + "/withdraw", "{\"amount\": " + amount + "}",
        headers);
  }

  long balance(String account) throws Exception {
    Reply r = send("GET", "/accounts/" + account, null);
    assertThat(r.status()).as("GET /accounts/%s: %s", account, r.body()).isEqualTo(200);
    return r.body().get("balance").asLong();
  }

  Reply transfer(String id, String from, String to, long amount) throws Exception {
    return send("POST", "/transfers", JSON.createObjectNode().put("id", id).put("from", from)
        .put("to", to).put("amount", amount).toString());
  }

  Reply getTransfer(String id) throws Exception {
    return send("GET", "/transfers/" + id, null);
  }

  /** Polls {@code GET /transfers/id}, bounded, until it is no longer pending; its last answer. */
  Reply awaitFinal(String id, Duration bound) throws Exception {
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

  /** Asserts {@code r} is a JSON error with this status whose message mentions all of these. */
  static void assertError(Reply r, int status, String... mentions) {
    assertThat(r.status()).as("reply %s", r).isEqualTo(status);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body().isObject()).as("body %s", r.body()).isTrue();
    assertThat(r.body().path("error").isTextual()).as("error in %s", r.body()).isTrue();
    assertThat(r.body().get("error").asText()).contains(mentions);
  }
}
