package dev.revenant.samples.bank;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Iterator;

/**
 * Parses and validates the body of a deposit or withdrawal, {@code {"amount": <positive
 * integer>}}. Every problem is a {@link BadRequest} whose message says what was wrong.
 */
public final class AmountRequest {
  private static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
  static final String EXPECTED = "expected {\"amount\": <positive integer>}";

  private AmountRequest() {}

  /** A request that cannot be served as sent (HTTP 400). */
  public static final class BadRequest extends Exception {
    public BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  /** The amount in {@code body}: an integer from 1 to {@link Long#MAX_VALUE}. */
  public static long parse(byte[] body) throws BadRequest {
    JsonNode root = readObject(body, EXPECTED);
    JsonNode amount = root.get("amount");
    if (amount == null) {
      throw new BadRequest("missing field [amount]; " + EXPECTED);
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("amount")) {
        throw new BadRequest("unknown field [" + abbreviate(name) + "]; " + EXPECTED);
      }
    }
    return amountOf(amount);
  }

  /**
   * {@code body} as a JSON object, read strictly (no trailing tokens, no duplicate fields);
   * {@code expected} describes the body wanted, for the error messages.
   */
  static JsonNode readObject(byte[] body, String expected) throws BadRequest {
    if (body.length == 0) {
      throw new BadRequest("request body is empty; " + expected);
    }
    JsonNode root;
    try {
      root = STRICT.readTree(body);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new BadRequest("malformed JSON"
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
          + ": " + abbreviate(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new BadRequest("malformed JSON: " + abbreviate(e.getMessage()));
    }
    if (root == null || root.isMissingNode()) {
      throw new BadRequest("request body is empty; " + expected);
    }
    if (!root.isObject()) {
      throw new BadRequest("request body must be a JSON object, was " + describe(root) + "; "
          + expected);
    }
    return root;
  }

  /** An amount field's value: an integer from 1 to {@link Long#MAX_VALUE}. */
  static long amountOf(JsonNode amount) throws BadRequest {
    if (!amount.isIntegralNumber()) {
      throw new BadRequest(
          "amount must be a positive integer, was [" + abbreviate(amount.toString()) + "]");
    }
    if (!amount.canConvertToLong()) {
      BigInteger big = amount.bigIntegerValue();
      if (big.signum() > 0) {
        throw new BadRequest("amount too large: must be at most " + Long.MAX_VALUE + ", was ["
            + abbreviate(big.toString()) + "]");
      }
      throw new BadRequest(
          "amount must be a positive integer, was [" + abbreviate(big.toString()) + "]");
    }
    long value = amount.longValue();
    if (value <= 0) {
      throw new BadRequest("amount must be a positive integer, was [" + value + "]");
    }
    return value;
  }

  static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Keeps echoed input short: error messages quote what was sent, not all of it. */
  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
