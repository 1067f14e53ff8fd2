package network.mysterium.contracts.anvil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local Ethereum node: Foundry's anvil binary (from the npm package {@code @foundry-rs/anvil}),
 * started directly so that the process we hold is the node itself, on a free loopback port. Close
 * it to stop the node; a shutdown hook stops it too if the JVM exits first.
 */
public final class Anvil implements AutoCloseable {
  /** Anvil's chain id unless told otherwise. */
  public static final long DEFAULT_CHAIN_ID = 31337;

  /**
   * The private keys of anvil's first funded accounts (from its well-known test mnemonic). For
   * local chains only: they hold 10,000 ETH each there and nothing anywhere else.
   */
  public static final List<String> DEV_PRIVATE_KEYS =
      List.of(
          "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
          "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
          "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
          "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
          "0x47e179ec197488593b187f80a00eb0da91f1c9d0862d0b6d8f7b0c5d0c8a1f9b");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Thread shutdownHook;
  private final URI rpc;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong requestId = new AtomicLong();

  private Anvil(Process process, URI rpc, Path log) {
    this.process = process;
    this.rpc = rpc;
    this.log = log;
    this.shutdownHook = new Thread(process::destroyForcibly, "anvil-" + process.pid() + "-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts anvil and waits until it answers JSON-RPC.
   *
   * @param binary the anvil executable (see {@link #locate(Path)})
   * @param extraArgs further anvil options, e.g. {@code --block-time 1}
   */
  public static Anvil start(Path binary, long chainId, String... extraArgs)
      throws IOException, InterruptedException {
    return startOn("127.0.0.1", binary, chainId, extraArgs);
  }

  /**
   * Starts anvil listening on {@code host} (an address of this machine, e.g. one that other network
   * namespaces can reach) and waits until it answers JSON-RPC.
   */
  public static Anvil startOn(String host, Path binary, long chainId, String... extraArgs)
      throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freeLoopbackPort();
      Path log = Files.createTempFile("anvil-" + port + "-", ".log");
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(
              binary.toString(),
              "--host",
              host,
              "--port",
              Integer.toString(port),
              "--chain-id",
              Long.toString(chainId)));
      command.addAll(List.of(extraArgs));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      // none of our variables (a passphrase may be in one) beyond what anvil needs
      builder.environment().keySet().retainAll(java.util.Set.of("PATH", "HOME", "TMPDIR", "LANG"));
      Process process = builder.start();
      Anvil anvil = new Anvil(process, URI.create("http://" + host + ":" + port), log);
      try {
        anvil.awaitRpc();
        return anvil;
      } catch (IOException e) {
        // Another process may have taken the port between our probe and anvil's bind: retry.
        last = e;
        anvil.close();
      }
    }
    throw last;
  }

  /** The anvil binary installed by {@code npm ci} in the contracts folder of a checkout. */
  public static Path locate(Path checkoutRoot) throws IOException {
    Path scope = checkoutRoot.resolve("contracts/node_modules/@foundry-rs");
    if (Files.isDirectory(scope)) {
      try (var packages = Files.list(scope)) {
        for (Path candidate : packages.sorted().toList()) {
          Path binary = candidate.resolve("bin").resolve("anvil");
          if (candidate.getFileName().toString().startsWith("anvil-")
              && Files.isExecutable(binary)) {
            return binary;
          }
        }
      }
    }
    throw new IOException(
        "no anvil binary under " + scope + ": run `npm ci` in contracts/ (the build does)");
  }

  public URI rpcUrl() {
    return rpc;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a JSON-RPC request and returns its result, or fails with the node's error message. */
  public JsonNode call(String method, Object... params) throws IOException, InterruptedException {
    ObjectNode request = JSON.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", requestId.incrementAndGet());
    request.put("method", method);
    ArrayNode array = request.putArray("params");
    for (Object param : params) {
      array.add(JSON.valueToTree(param));
    }
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(rpc)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(response.body());
    if (body.has("error")) {
      throw new IOException(method + " failed: " + body.get("error").path("message").asText());
    }
    return body.get("result");
  }

  /** Takes a snapshot of the chain state ({@code evm_snapshot}); revert to it with its id. */
  public String snapshot() throws IOException, InterruptedException {
    return call("evm_snapshot").asText();
  }

  public void revert(String snapshotId) throws IOException, InterruptedException {
    if (!call("evm_revert", snapshotId).asBoolean()) {
      throw new IOException("evm_revert refused snapshot " + snapshotId);
    }
  }

  public void mine(int blocks) throws IOException, InterruptedException {
    call("anvil_mine", "0x" + Integer.toHexString(blocks));
  }

  public void setBalance(String address, BigInteger wei) throws IOException, InterruptedException {
    call("anvil_setBalance", address, "0x" + wei.toString(16));
  }

  public long blockNumber() throws IOException, InterruptedException {
    return Long.decode(call("eth_blockNumber").asText());
  }

  /** What anvil printed so far, for failure messages. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no anvil output: " + e.getMessage() + ")";
    }
  }

  /** Stops the node: SIGTERM, then SIGKILL after five seconds. Only the process we started. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a temporary log left behind is harmless
    }
  }

  private void awaitRpc() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("anvil exited with " + process.exitValue() + ": " + output());
      }
      try {
        call("eth_chainId");
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IOException("anvil did not answer within " + START_TIMEOUT + ": " + output());
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
