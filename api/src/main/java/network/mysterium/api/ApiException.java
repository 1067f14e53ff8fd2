package network.mysterium.api;

import network.mysterium.node.NodeException;

/**
 * A refused or failed request as the API answers it: a stable code (a {@link NodeException.Code}
 * name or one of the API's own, {@link Codes}), its HTTP status, and a detail for people.
 */
final class ApiException extends RuntimeException {
  private final String code;
  private final int status;

  ApiException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
    this.status = Codes.status(code);
  }

  static ApiException badRequest(String message) {
    return new ApiException(Codes.BAD_REQUEST, message);
  }

  String code() {
    return code;
  }

  int status() {
    return status;
  }
}
