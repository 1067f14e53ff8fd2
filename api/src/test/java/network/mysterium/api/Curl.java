package network.mysterium.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The API as a third-party program sees it: each request is a {@code curl} process (on the Unix
 * socket, or on TCP), its output parsed. A process that overruns its time is killed by its own
 * handle.
 */
final class Curl {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATUS_MARK = "\n--status:";

  /** A reply: the status, and the body as JSON (null when it is not JSON). */
  record Reply(int status, String body, JsonNode json) {
    String code() {
      return json == null ? null : json.path("code").asText(null);
    }

    String text(String field) {
      return json.path(field).asText(null);
    }
  }

  private final List<String> transport;
  private final String base;

  private Curl(List<String> transport, String base) {
    this.transport = transport;
    this.base = base;
  }

  static Curl unix(Path socket) {
    return new Curl(List.of("--unix-socket", socket.toString()), "http://localhost");
  }

  static Curl tcp(int port) {
    return new Curl(List.of(), "http://127.0.0.1:" + port);
  }

  Reply get(String path, String... headers) throws Exception {
    return request("GET", path, null, headers);
  }

  Reply post(String path, String json, String... headers) throws Exception {
    return request("POST", path, json, headers);
  }

  Reply delete(String path, String... headers) throws Exception {
    return request("DELETE", path, null, headers);
  }

  /** A POST whose body goes through curl's standard input: a passphrase is no command line's. */
  Reply postSecret(String path, String json) throws Exception {
    return request("POST", path, json, true);
  }

  Reply request(String method, String path, String json, String... headers) throws Exception {
    return request(method, path, json, false, headers);
  }

  private Reply request(String method, String path, String json, boolean stdin, String... headers)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
    command.addAll(transport);
    command.addAll(List.of("-X", method, "-w", STATUS_MARK + "%{http_code}"));
    for (String header : headers) {
      command.addAll(List.of("-H", header));
    }
    if (json != null) {
      command.addAll(
          List.of("-H", "Content-Type: application/json", "--data-binary", stdin ? "@-" : json));
    }
    command.add(base + path);
    String out = run(command, 70, stdin ? json : null);
    int mark = out.lastIndexOf(STATUS_MARK);
    if (mark < 0) {
      throw new AssertionError("curl printed no status: " + out);
    }
    String body = out.substring(0, mark);
    int status = Integer.parseInt(out.substring(mark + STATUS_MARK.length()).strip());
    JsonNode parsed;
    try {
      parsed = body.isBlank() ? null : JSON.readTree(body);
    } catch (IOException e) {
      parsed = null;
    }
    return new Reply(status, body, parsed);
  }

  /** Runs a command to its end (killed after {@code seconds}), its standard output as text. */
  static String run(List<String> command, int seconds) throws Exception {
    return run(command, seconds, null);
  }

  private static String run(List<String> command, int seconds, String input) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      try (var in = process.getOutputStream()) {
        if (input != null) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("still running after " + seconds + " s: " + command);
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      process.destroyForcibly();
    }
  }
}
