package network.mysterium.api;

import java.util.LinkedHashMap;
import java.util.Map;
import network.mysterium.node.NodeException;

/**
 * The error codes the API answers with, and the HTTP status of each: every {@link
 * NodeException.Code} by name, and the API's own (who may call, what the request looks like).
 * docs/openapi.json lists the same names.
 */
final class Codes {
  static final String UNAUTHORIZED = "UNAUTHORIZED";
  static final String FORBIDDEN_ORIGIN = "FORBIDDEN_ORIGIN";
  static final String FORBIDDEN_HOST = "FORBIDDEN_HOST";
  static final String NOT_FOUND = "NOT_FOUND";
  static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  static final String BAD_REQUEST = "BAD_REQUEST";
  static final String NOT_ACCEPTABLE = "NOT_ACCEPTABLE";
  static final String TOO_LARGE = "TOO_LARGE";
  static final String BUSY = "BUSY";

  private static final Map<String, Integer> STATUS = statuses();

  private Codes() {}

  private static Map<String, Integer> statuses() {
    Map<String, Integer> all = new LinkedHashMap<>();
    for (NodeException.Code code : NodeException.Code.values()) {
      all.put(code.name(), status(code));
    }
    all.put(UNAUTHORIZED, 401);
    all.put(FORBIDDEN_ORIGIN, 403);
    all.put(FORBIDDEN_HOST, 403);
    all.put(NOT_FOUND, 404);
    all.put(METHOD_NOT_ALLOWED, 405);
    all.put(BAD_REQUEST, 400);
    all.put(NOT_ACCEPTABLE, 406);
    all.put(TOO_LARGE, 413);
    all.put(BUSY, 503);
    return Map.copyOf(all);
  }

  /** A switch without default: a new node code does not compile until it has a status. */
  private static int status(NodeException.Code code) {
    return switch (code) {
      case INVALID_INPUT, INVALID_AMOUNT, INVALID_ADDRESS, INVALID_KEYSTORE -> 400;
      case NOT_CONNECTED,
          UNKNOWN_PREVIEW,
          PEER_UNREGISTERED,
          UNKNOWN_IDENTITY,
          NO_PENDING_WITHDRAWAL ->
          404;
      case LOCKED -> 423;
      case ALREADY_CONNECTED,
          ALREADY_REGISTERED,
          NOT_REGISTERED,
          DATA_DIR_IN_USE,
          IDENTITY_EXISTS,
          IDENTITY_FIXED,
          WITHDRAWAL_NOT_DUE ->
          409;
      case PEER_REFUSED -> 502;
      case INSUFFICIENT_FUNDS, CHAIN_REFUSED, WRONG_PASSPHRASE -> 422;
      case CHAIN_UNREACHABLE -> 502;
      case NO_PROVIDER -> 503;
      case NO_DEPLOYMENT, STORAGE, HOST, INTERNAL -> 500;
    };
  }

  static int status(String code) {
    Integer status = STATUS.get(code);
    if (status == null) {
      throw new IllegalArgumentException("no such API error code: " + code);
    }
    return status;
  }

  /** Every code, for the document check. */
  static Map<String, Integer> all() {
    return STATUS;
  }
}
