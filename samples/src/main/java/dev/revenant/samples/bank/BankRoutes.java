package dev.revenant.samples.bank;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.Rejection;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamException;
import akka.http.scaladsl.model.EntityStreamSizeException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.revenant.samples.bank.AccountReply.Balance;
import dev.revenant.samples.bank.AccountReply.InsufficientFunds;
import dev.revenant.samples.bank.AccountReply.Rejected;
import dev.revenant.journal.JournalHealth;
import dev.revenant.samples.bank.AmountRequest.BadRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bank's HTTP interface. Every response, errors included, is a JSON object:
 *
 * <pre>
 * POST /accounts/{id}/deposit   {"amount": n}  200 {"id":…,"balance":…}
 * POST /accounts/{id}/withdraw  {"amount": n}  200 {"id":…,"balance":…} | 409 insufficient funds
 *      (both with an optional Idempotency-Key header: the first request with a key is applied,
 *      every repeat gets the same answer and is not applied; a key reused for a different
 *      operation or amount on the account: 422)
 * GET  /accounts/{id}                          200 {"id":…,"balance":…}
 * POST /transfers  {"id":…,"from":…,"to":…,"amount":n}
 *                                              202 {"id":…,"state":"pending"} once durably accepted,
 *                                              200 {"id":…,"state":…[,"reason":…]} once final,
 *                                              409 if the id exists with other parameters
 * GET  /transfers/{id}                         200 {"id":…,"state":"pending|completed|rejected"
 *                                                  [,"reason":…]} | 404 unknown transfer
 * GET  /health                                 200 {"status":"ok"}
 * GET  /cluster                                200 {"self":…,"members":[…],"unreachable":[…]}
 *                                                  (cluster mode; adds "node" to account answers)
 * bad input 400, unknown path or method 404, entity not answering in time 503,
 * journal database down 503 {"error":"journal unavailable"}
 * </pre>
 *
 * <p>Future callbacks run on the actor system's dispatcher (the *Async variants with an explicit
 * executor), never on the common fork-join pool.
 */
public final class BankRoutes extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(BankRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bodies are tiny; anything bigger than this is refused without being read further. */
  static final int MAX_BODY_BYTES = 16 * 1024;
  static final Duration BODY_TIMEOUT = Duration.ofSeconds(5);

  /** How long a journal health check may take before the journal counts as unavailable. */
  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);

  /** The Idempotency-Key header's name, as akka-http lower-cases it. */
  static final String IDEMPOTENCY_KEY = "idempotency-key";
  /** What an Idempotency-Key may be: 1-255 printable ASCII characters (a UUID, typically). */
  private static final Pattern KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");
  /**
   * How long a read (GET of a balance) waits for its answer before it is sent again, within the
   * request's whole ask timeout; see {@link #readAccount}.
   */
  static final Duration READ_RESEND_AFTER = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final AccountGateway gateway;
  private final TransferGateway transfers;
  private final Duration askTimeout;
  private final Optional<JournalHealth> journal;
  private final boolean clusterMode;
  private final Executor executor;
  /** Set when the journal was found down; requests then fail fast until a check finds it up. */
  private volatile boolean journalDown;

  /** One node, the local registry, no journal health check (tests). */
  public BankRoutes(
      ActorSystem<?> system, ActorRef<AccountRegistry.Command> registry, Duration askTimeout) {
    this(system, AccountGateway.local(system, registry), askTimeout, Optional.empty(), false);
  }

  /**
   * @param journal checks the journal when an account does not answer in time, to answer 503
   *     "journal unavailable" (and then fail fast until it is back) instead of a plain timeout
   * @param clusterMode serve {@code /cluster} and say which node answered
   */
  public BankRoutes(
      ActorSystem<?> system,
      AccountGateway gateway,
      Duration askTimeout,
      Optional<JournalHealth> journal,
      boolean clusterMode) {
    this(system, gateway, TransferGateway.unavailable(), askTimeout, journal, clusterMode);
  }

  /**
   * @param transfers how to reach transfer entities
   * @param journal checks the journal when an entity does not answer in time, to answer 503
   *     "journal unavailable" (and then fail fast until it is back) instead of a plain timeout
   * @param clusterMode serve {@code /cluster} and say which node answered
   */
  public BankRoutes(
      ActorSystem<?> system,
      AccountGateway gateway,
      TransferGateway transfers,
      Duration askTimeout,
      Optional<JournalHealth> journal,
      boolean clusterMode) {
    this.system = system;
    this.gateway = gateway;
    this.transfers = transfers;
    this.askTimeout = askTimeout;
    this.journal = journal;
    this.clusterMode = clusterMode;
    this.executor = system.executionContext();
  }

  public Route route() {
    ExceptionHandler onException =
        ExceptionHandler.newBuilder()
            .matchAny(e -> {
              LOG.error("Unexpected failure while serving a request", e);
              return complete(error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error"));
            })
            .build();
    // The routes below never reject (the last one matches everything); this is a safety net so
    // that not even a rejection can produce akka-http's default plain-text response.
    RejectionHandler onRejection =
        RejectionHandler.newBuilder()
            .handleAll(Rejection.class, all -> complete(notFound()))
            .handleNotFound(complete(notFound()))
            .build();
    return handleExceptions(onException, () -> handleRejections(onRejection, () -> concat(
        path("health", () -> extractRequest(req ->
            req.method().equals(HttpMethods.GET)
                ? complete(json(StatusCodes.OK, JSON.createObjectNode().put("status", "ok")))
                : complete(notFound()))),
        path("cluster", () -> extractRequest(req ->
            req.method().equals(HttpMethods.GET) && clusterMode
                ? complete(json(StatusCodes.OK, ClusterView.of(system)))
                : complete(notFound()))),
        pathPrefix("accounts", () -> extractRequest(req ->
            extractUnmatchedPath(rest ->
                completeWithFuture(completeFailures(accounts(req, rest)))))),
        pathPrefix("transfers", () -> extractRequest(req ->
            extractUnmatchedPath(rest ->
                completeWithFuture(completeFailures(transfers(req, rest)))))),
        complete(notFound()))));
  }

  /** {@code rest} is the path after "/accounts", percent-encoded as needed. */
  private CompletionStage<HttpResponse> accounts(HttpRequest req, String rest) {
    if (!rest.startsWith("/")) {
      return done(notFound()); // "/accounts" itself, or "/accountsXYZ"
    }
    String[] parts = rest.substring(1).split("/", -1);
    boolean get = req.method().equals(HttpMethods.GET);
    boolean post = req.method().equals(HttpMethods.POST);
    if (parts.length == 1 && get) {
      String id = parts[0];
      return validId(id)
          ? readAccount(id, r -> toResponse(id, r))
          : done(badId(id));
    }
    if (parts.length == 2 && post && (parts[1].equals("deposit") || parts[1].equals("withdraw"))) {
      String id = parts[0];
      if (!validId(id)) {
        return done(badId(id));
      }
      String operation = parts[1];
      boolean deposit = operation.equals("deposit");
      String key;
      try {
        key = idempotencyKey(req);
      } catch (BadRequest e) {
        return done(error(StatusCodes.BAD_REQUEST, e.getMessage()));
      }
      return withBody(req, AmountRequest.EXPECTED, AmountRequest::parse, amount -> {
        if (key == null) {
          return askAccount(id, replyTo -> deposit
              ? new AccountMsg.Deposit(amount, replyTo)
              : new AccountMsg.Withdraw(amount, replyTo), r -> toResponse(id, r), null);
        }
        return askAccount(id, replyTo -> deposit
                ? new AccountMsg.KeyedDeposit(key, amount, replyTo)
                : new AccountMsg.KeyedWithdraw(key, amount, replyTo),
            r -> keyedResponse(id, key, operation, amount, r),
            "; repeat it with the same Idempotency-Key to learn its outcome");
      });
    }
    return done(notFound());
  }

  /**
   * The request's Idempotency-Key, or null if it has none.
   *
   * @throws BadRequest if it has more than one, or one that is empty, too long or not printable
   *     ASCII
   */
  private static String idempotencyKey(HttpRequest req) throws BadRequest {
    String key = null;
    for (HttpHeader h : req.getHeaders()) {
      if (h.lowercaseName().equals(IDEMPOTENCY_KEY)) {
        if (key != null) {
          throw new BadRequest("more than one Idempotency-Key header");
        }
        key = h.value();
      }
    }
    if (key != null && !KEY.matcher(key).matches()) {
      throw new BadRequest("Idempotency-Key must be 1-255 printable ASCII characters, was ["
          + AmountRequest.abbreviate(key.replaceAll("\\p{Cntrl}", "?")) + "]");
    }
    return key;
  }

  /**
   * The answer to a request with an idempotency key: the answer the key's first request got, if
   * this is a repeat of it; a 422 naming both if the key was first used for something else.
   */
  private HttpResponse keyedResponse(
      String id, String key, String operation, long amount, AccountReply reply) {
    if (!(reply instanceof AccountReply.Keyed keyed)) {
      return toResponse(id, reply); // an account that refused the request outright
    }
    if (!keyed.operation().equals(operation) || keyed.amount() != amount) {
      return error(StatusCodes.UNPROCESSABLE_CONTENT, "Idempotency-Key ["
          + AmountRequest.abbreviate(key) + "] was first used on account [" + id + "] for a "
          + keyed.operation() + " of " + keyed.amount() + ", not for a " + operation + " of "
          + amount + "; use a new key for a new request");
    }
    return toResponse(id, keyed.outcome());
  }

  // ---------------------------------------------------------------- transfers

  /** {@code rest} is the path after "/transfers". */
  private CompletionStage<HttpResponse> transfers(HttpRequest req, String rest) {
    boolean get = req.method().equals(HttpMethods.GET);
    boolean post = req.method().equals(HttpMethods.POST);
    if (rest.isEmpty() && post) {
      return withBody(req, TransferRequest.EXPECTED, TransferRequest::parse, t ->
        askTransfer(t.id(),
            replyTo -> new TransferMsg.Start(t.from(), t.to(), t.amount(), replyTo),
            r -> startResponse(t, r),
            "; it may or may not have been accepted: POST it again with the same id to find out"));
    }
    if (rest.startsWith("/") && rest.indexOf('/', 1) < 0 && get) {
      String id = rest.substring(1);
      if (!TransferRequest.isValidTransferId(id)) {
        return done(error(StatusCodes.BAD_REQUEST, TransferRequest.badTransferId(id)));
      }
      return askTransfer(id, TransferMsg.Get::new, r -> getResponse(id, r), "");
    }
    return done(notFound());
  }

  private HttpResponse startResponse(TransferRequest t, TransferReply reply) {
    if (reply instanceof TransferReply.Invalid invalid) {
      return error(StatusCodes.BAD_REQUEST, invalid.reason());
    }
    if (!(reply instanceof TransferReply.Status s)) {
      LOG.error("Transfer [{}] answered a start with {}", t.id(), reply);
      return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error");
    }
    List<String> differences = new ArrayList<>();
    if (!s.from().equals(t.from())) {
      differences.add("from is [" + s.from() + "], not [" + t.from() + "]");
    }
    if (!s.to().equals(t.to())) {
      differences.add("to is [" + s.to() + "], not [" + t.to() + "]");
    }
    if (s.amount() != t.amount()) {
      differences.add("amount is " + s.amount() + ", not " + t.amount());
    }
    if (!differences.isEmpty()) {
      return error(StatusCodes.CONFLICT, "transfer [" + t.id() + "] already exists with other"
          + " parameters: " + String.join("; ", differences));
    }
    return transferStatus(s, s.state().equals("pending") ? StatusCodes.ACCEPTED : StatusCodes.OK);
  }

  private HttpResponse getResponse(String id, TransferReply reply) {
    if (reply instanceof TransferReply.Unknown) {
      return error(StatusCodes.NOT_FOUND, "unknown transfer [" + id + "]");
    }
    if (!(reply instanceof TransferReply.Status s)) {
      LOG.error("Transfer [{}] answered a query with {}", id, reply);
      return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error");
    }
    return transferStatus(s, StatusCodes.OK);
  }

  private static HttpResponse transferStatus(TransferReply.Status s, StatusCode status) {
    ObjectNode body = JSON.createObjectNode().put("id", s.id()).put("state", s.state());
    if (s.reason() != null) {
      body.put("reason", s.reason());
    }
    return json(status, body);
  }

  private static boolean validId(String id) {
    return Accounts.isValidId(id);
  }

  private static HttpResponse badId(String id) {
    return error(StatusCodes.BAD_REQUEST,
        "account id must be 1-64 characters of [A-Za-z0-9_-], was ["
            + AmountRequest.abbreviate(id) + "]");
  }

  /**
   * The whole request body, or a 400/413 response if it cannot be read; {@code expected}
   * describes the body wanted.
   */
  /** Parses the request's body with {@code parse}: 400 with what was wrong, or {@code then}. */
  private <T> CompletionStage<HttpResponse> withBody(HttpRequest req, String expected,
      BodyParser<T> parse, Function<T, CompletionStage<HttpResponse>> then) {
    return body(req, expected).thenComposeAsync(bytes -> {
      T parsed;
      try {
        parsed = parse.parse(bytes);
      } catch (BadRequest e) {
        return done(error(StatusCodes.BAD_REQUEST, e.getMessage()));
      }
      return then.apply(parsed);
    }, executor);
  }

  /** Reads a request body, or says what is wrong with it. */
  @FunctionalInterface
  private interface BodyParser<T> {
    T parse(byte[] body) throws BadRequest;
  }

  private CompletionStage<byte[]> body(HttpRequest req, String expected) {
    OptionalLong length = req.entity().getContentLengthOption();
    if (length.isPresent() && length.getAsLong() > MAX_BODY_BYTES) {
      return CompletableFuture.failedFuture(new HttpFailure(tooLarge(expected)));
    }
    return req.entity()
        .toStrict(BODY_TIMEOUT.toMillis(), MAX_BODY_BYTES, system)
        .handleAsync((strict, failure) -> {
          if (failure == null) {
            return strict.getData().toArray();
          }
          Throwable cause = unwrap(failure);
          if (cause instanceof EntityStreamSizeException
              || (cause instanceof EntityStreamException e
                  && e.info().summary().contains("too large"))) {
            throw new HttpFailure(tooLarge(expected)); // a chunked body past the limit
          }
          if (cause instanceof TimeoutException) {
            throw new HttpFailure(error(StatusCodes.BAD_REQUEST,
                "request body not received within " + BODY_TIMEOUT.toSeconds() + " s"));
          }
          throw new HttpFailure(error(StatusCodes.BAD_REQUEST,
              "request body could not be read: " + cause.getMessage()));
        }, executor);
  }

  private CompletionStage<HttpResponse> askAccount(
      String id,
      Function<ActorRef<AccountReply>, AccountMsg> message,
      Function<AccountReply, HttpResponse> toResponse,
      String timeoutHint) {
    return ask("account [" + id + "]",
        () -> gateway.ask(id, message, askTimeout),
        toResponse,
        "; the operation may or may not have taken effect"
            + (timeoutHint == null ? "" : timeoutHint));
  }

  /**
   * Asks account {@code id} for its balance, sending the request again every {@link
   * #READ_RESEND_AFTER} without an answer, until {@code askTimeout} has passed. Cluster sharding
   * delivers at most once: a message that reaches a node while the account's shard is handed
   * off to another (a rebalance, e.g. when a node joins) is dropped, and an ask would wait the
   * whole timeout for it. A read has no effect, so sending it again is safe; deposits and
   * withdrawals are not sent again (without an Idempotency-Key a second one would be applied;
   * with one, the client repeats the request, as the 503 says).
   */
  private CompletionStage<HttpResponse> readAccount(
      String id, Function<AccountReply, HttpResponse> toResponse) {
    return ask("account [" + id + "]",
        () -> resending(id, AccountMsg.GetBalance::new, System.nanoTime() + askTimeout.toNanos()),
        toResponse,
        "; the operation may or may not have taken effect");
  }

  /** One attempt of {@link #readAccount}, and the next one if it timed out before the deadline. */
  private CompletionStage<AccountReply> resending(
      String id, Function<ActorRef<AccountReply>, AccountMsg> message, long deadline) {
    long left = deadline - System.nanoTime();
    Duration attempt = Duration.ofNanos(Math.max(1, Math.min(left, READ_RESEND_AFTER.toNanos())));
    return gateway.ask(id, message, attempt).handleAsync((reply, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(reply);
      }
      if (unwrap(failure) instanceof TimeoutException && deadline - System.nanoTime() > 0) {
        LOG.debug("account [{}] did not answer a read within {} ms; sending it again", id,
            attempt.toMillis());
        return resending(id, message, deadline);
      }
      return CompletableFuture.<AccountReply>failedFuture(unwrap(failure));
    }, executor).thenComposeAsync(Function.identity(), executor);
  }

  private CompletionStage<HttpResponse> askTransfer(
      String id,
      Function<ActorRef<TransferReply>, TransferMsg> message,
      Function<TransferReply, HttpResponse> toResponse,
      String timeoutHint) {
    return ask("transfer [" + id + "]",
        () -> transfers.ask(id, message, askTimeout), toResponse, timeoutHint);
  }

  /**
   * Asks an entity ({@code what}, e.g. "account [alice]") and turns its reply (or the lack of
   * one) into a response. While the journal is known to be down, a quick check comes first and
   * the request fails fast.
   *
   * @param timedOutHint appended to the 503 message when the entity does not answer in time
   */
  private <R> CompletionStage<HttpResponse> ask(
      String what,
      Supplier<CompletionStage<R>> call,
      Function<R, HttpResponse> toResponse,
      String timedOutHint) {
    if (journalDown && journal.isPresent()) {
      return journal.get().isAvailable(HEALTH_TIMEOUT).thenComposeAsync(up -> {
        if (!up) {
          return done(journalUnavailable());
        }
        LOG.info("The journal answers again");
        journalDown = false;
        return askEntity(what, call, toResponse, timedOutHint);
      }, executor);
    }
    return askEntity(what, call, toResponse, timedOutHint);
  }

  private <R> CompletionStage<HttpResponse> askEntity(
      String what,
      Supplier<CompletionStage<R>> call,
      Function<R, HttpResponse> toResponse,
      String timedOutHint) {
    return call.get().handleAsync((r, failure) -> {
      if (failure == null) {
        return done(toResponse.apply(r));
      }
      Throwable cause = unwrap(failure);
      if (cause instanceof TimeoutException) {
        LOG.warn("{} did not answer within {} s", what, askTimeout.toSeconds());
        HttpResponse timedOut = error(StatusCodes.SERVICE_UNAVAILABLE,
            what + " did not answer within " + askTimeout.toSeconds() + " s" + timedOutHint);
        if (journal.isEmpty()) {
          return done(timedOut);
        }
        return journal.get().isAvailable(HEALTH_TIMEOUT).thenApplyAsync(up -> {
          if (up) {
            return timedOut;
          }
          if (!journalDown) {
            LOG.warn("The journal ({}) does not answer; failing requests fast until it does",
                journal.get().backend());
          }
          journalDown = true;
          return journalUnavailable();
        }, executor);
      }
      if (cause instanceof TransferGateway.Unavailable) {
        return done(error(StatusCodes.SERVICE_UNAVAILABLE, cause.getMessage()));
      }
      LOG.error("Asking {} failed", what, cause);
      return done(error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error"));
    }, executor).thenComposeAsync(Function.identity(), executor);
  }

  private static HttpResponse journalUnavailable() {
    return error(StatusCodes.SERVICE_UNAVAILABLE, "journal unavailable");
  }

  private HttpResponse toResponse(String id, AccountReply reply) {
    if (reply instanceof Balance b) {
      ObjectNode body = JSON.createObjectNode().put("id", id).put("balance", b.balance());
      if (clusterMode) {
        body.put("node", ClusterView.nodeOf(system, b.account()));
      }
      return json(StatusCodes.OK, body);
    }
    if (reply instanceof InsufficientFunds f) {
      return json(StatusCodes.CONFLICT,
          JSON.createObjectNode().put("error", "insufficient funds").put("balance", f.balance()));
    }
    Rejected r = (Rejected) reply;
    return json(StatusCodes.CONFLICT,
        JSON.createObjectNode().put("error", r.reason()).put("balance", r.balance()));
  }

  /** A response carried through a failed stage, e.g. a body that could not be read. */
  private static final class HttpFailure extends RuntimeException {
    final HttpResponse response;

    HttpFailure(HttpResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Recovers {@link HttpFailure}s into their responses. */
  private CompletionStage<HttpResponse> completeFailures(CompletionStage<HttpResponse> stage) {
    return stage.handleAsync((response, failure) -> {
      if (failure == null) {
        return response;
      }
      Throwable cause = unwrap(failure);
      if (cause instanceof HttpFailure f) {
        return f.response;
      }
      LOG.error("Unexpected failure while serving a request", cause);
      return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error");
    }, executor);
  }

  private static HttpResponse tooLarge(String expected) {
    return error(StatusCodes.CONTENT_TOO_LARGE,
        "request body larger than " + MAX_BODY_BYTES + " bytes; " + expected);
  }

  static HttpResponse notFound() {
    return error(StatusCodes.NOT_FOUND, "not found");
  }

  static HttpResponse error(StatusCode status, String message) {
    return json(status, JSON.createObjectNode().put("error", message));
  }

  static HttpResponse json(StatusCode status, ObjectNode body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body));
    } catch (Exception e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }
}
