package dev.revenant.samples.bank;

import com.fasterxml.jackson.databind.JsonNode;
import dev.revenant.samples.bank.AmountRequest.BadRequest;
import java.util.Iterator;
import java.util.List;

/**
 * The body of {@code POST /transfers}, {@code {"id": "<transfer id>", "from": "<account>", "to":
 * "<account>", "amount": <positive integer>}}, parsed and validated. Every problem is a
 * {@link BadRequest} whose message says what was wrong.
 */
public record TransferRequest(String id, String from, String to, long amount) {
  static final String EXPECTED = "expected {\"id\": \"<transfer id>\", \"from\": \"<account id>\","
      + " \"to\": \"<account id>\", \"amount\": <positive integer>}";
  private static final List<String> FIELDS = List.of("id", "from", "to", "amount");
  private static final String ID_RULE = "must be 1-64 characters of [A-Za-z0-9_-]";

  /** Parses {@code body}; ids follow the account id rules, from and to differ. */
  public static TransferRequest parse(byte[] body) throws BadRequest {
    JsonNode root = AmountRequest.readObject(body, EXPECTED);
    for (String field : FIELDS) {
      if (root.get(field) == null) {
        throw new BadRequest("missing field [" + field + "]; " + EXPECTED);
      }
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequest(
            "unknown field [" + AmountRequest.abbreviate(name) + "]; " + EXPECTED);
      }
    }
    String id = text(root.get("id"));
    if (!Accounts.isValidId(id)) {
      throw new BadRequest(badTransferId(shown(root.get("id"))));
    }
    String from = text(root.get("from"));
    if (!Accounts.isValidId(from)) {
      throw new BadRequest("from: " + badAccountId(shown(root.get("from"))));
    }
    String to = text(root.get("to"));
    if (!Accounts.isValidId(to)) {
      throw new BadRequest("to: " + badAccountId(shown(root.get("to"))));
    }
    if (from.equals(to)) {
      throw new BadRequest(sameAccounts(from));
    }
    return new TransferRequest(id, from, to, AmountRequest.amountOf(root.get("amount")));
  }

  /** A string field's value, or null if it is not a string. */
  private static String text(JsonNode node) {
    return node.isTextual() ? node.asText() : null;
  }

  /** A field as an error message quotes it: a string's content, anything else as JSON. */
  private static String shown(JsonNode node) {
    return node.isTextual() ? node.asText() : node.toString();
  }

  static boolean isValidTransferId(String id) {
    return Accounts.isValidId(id);
  }

  static String badTransferId(String id) {
    return "transfer id " + ID_RULE + ", was [" + AmountRequest.abbreviate(id) + "]";
  }

  static String badAccountId(String id) {
    return "account id " + ID_RULE + ", was [" + AmountRequest.abbreviate(id) + "]";
  }

  static String sameAccounts(String account) {
    return "from and to must be different accounts, both were [" + account + "]";
  }
}
