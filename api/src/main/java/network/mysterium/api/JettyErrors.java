package network.mysterium.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty refuses itself, before a route (a malformed request, headers too large): the API's
 * error shape too, not an HTML page.
 */
final class JettyErrors extends ErrorHandler {
  private final ObjectMapper mapper;

  JettyErrors(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int status,
      String message,
      Throwable cause,
      Callback callback) {
    String code =
        switch (status) {
          case 400 -> Codes.BAD_REQUEST;
          case 404 -> Codes.NOT_FOUND;
          case 405 -> Codes.METHOD_NOT_ALLOWED;
          case 413, 414, 431 -> Codes.TOO_LARGE;
          default -> "INTERNAL";
        };
    byte[] body;
    try {
      body =
          mapper.writeValueAsBytes(
              new Views.Error(code, message == null ? "refused by the HTTP server" : message));
    } catch (JsonProcessingException e) {
      body = new byte[0];
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
