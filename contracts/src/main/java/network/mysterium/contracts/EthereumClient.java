package network.mysterium.contracts;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * A connection to one chain's JSON-RPC endpoint: calls, and transactions signed here and sent raw.
 * A transaction that would revert is refused before it is sent, with the Solidity error's name.
 */
public final class EthereumClient implements AutoCloseable {
  private static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(120);
  private static final java.util.regex.Pattern REVERT_DATA =
      java.util.regex.Pattern.compile("0x[0-9a-fA-F]{8,}");

  /** Anvil's chain id: the only chain where {@link #fundOnDevChain} works. */
  public static final long DEV_CHAIN_ID = 31337;

  /** Where a local development chain (anvil) answers unless told otherwise. */
  public static final String LOCAL_RPC = "http://127.0.0.1:8545";

  /** ETH given for gas to an identity that has none, on a development chain only (1,000 ETH). */
  private static final BigInteger DEV_GAS = BigInteger.TEN.pow(21);

  private final URI rpc;
  private final HttpService service;
  private final Web3j web3;
  private final long chainId;
  private final java.util.concurrent.ConcurrentMap<String, Nonces> senders =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final RevertDecoder reverts =
      new RevertDecoder(
          List.of("MystToken", "IdentityRegistry", "ServiceRegistry", "Payments").stream()
              .map(ContractArtifact::load)
              .toList());

  private EthereumClient(URI rpc, HttpService service, Web3j web3, long chainId) {
    this.rpc = rpc;
    this.service = service;
    this.web3 = web3;
    this.chainId = chainId;
  }

  /** Connects and asks the chain id, so an unreachable endpoint fails here, clearly. */
  public static EthereumClient connect(URI rpc) throws ChainException {
    // Bounded: an endpoint that accepts and never answers must not hold a node, or its stop, for
    // longer than this per call.
    HttpService service =
        new HttpService(
            rpc.toString(),
            new okhttp3.OkHttpClient.Builder()
                .connectTimeout(java.time.Duration.ofSeconds(5))
                .readTimeout(java.time.Duration.ofSeconds(15))
                .callTimeout(java.time.Duration.ofSeconds(20))
                .build());
    Web3j web3 = Web3j.build(service);
    try {
      var response = web3.ethChainId().send();
      if (response.hasError()) {
        throw new ChainException(
            "the chain at "
                + redacted(rpc)
                + " refused: "
                + scrubbed(rpc, response.getError().getMessage()));
      }
      return new EthereumClient(rpc, service, web3, response.getChainId().longValueExact());
    } catch (IOException | ClientConnectionException e) {
      web3.shutdown();
      throw unreachable(rpc, e);
    } catch (ChainException | RuntimeException e) {
      web3.shutdown();
      throw e;
    }
  }

  /** Connects and checks that the endpoint serves the chain a deployment was made on. */
  public static EthereumClient connect(URI rpc, long expectedChainId) throws ChainException {
    EthereumClient client = connect(rpc);
    if (client.chainId() != expectedChainId) {
      client.close();
      throw new ChainException(
          "the chain at "
              + redacted(rpc)
              + " has chain id "
              + client.chainId()
              + " but the deployment is for chain id "
              + expectedChainId);
    }
    return client;
  }

  public long chainId() {
    return chainId;
  }

  public URI rpc() {
    return rpc;
  }

  /**
   * The endpoint as it may be shown in logs and error messages: scheme, host and port only.
   * Providers' RPC URLs often carry an API key in the path, the query or the user info.
   */
  public static String redacted(URI rpc) {
    String host = rpc.getHost() == null ? "?" : rpc.getHost();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return (rpc.getScheme() == null ? "" : rpc.getScheme() + "://")
        + host
        + (rpc.getPort() < 0 ? "" : ":" + rpc.getPort());
  }

  /** A message from the HTTP stack or the endpoint, without the URL's secret parts. */
  private static String scrubbed(URI rpc, String message) {
    if (message == null) {
      return null;
    }
    String out = message.replace(rpc.toString(), redacted(rpc));
    List<String> secrets =
        new java.util.ArrayList<>(
            java.util.Arrays.asList(
                rpc.getRawUserInfo(), rpc.getUserInfo(), rpc.getRawQuery(), rpc.getRawPath()));
    // and the parts an endpoint may echo alone: long path segments (keys), query values
    for (String part : (rpc.getRawPath() == null ? "" : rpc.getRawPath()).split("/")) {
      if (part.length() >= 8) {
        secrets.add(part);
      }
    }
    for (String pair : (rpc.getRawQuery() == null ? "" : rpc.getRawQuery()).split("&")) {
      secrets.add(pair.substring(pair.indexOf('=') + 1));
    }
    for (String secret : secrets) {
      if (secret != null && secret.length() > 1) {
        out = out.replace(secret, "…");
      }
    }
    return out;
  }

  public Web3j web3() {
    return web3;
  }

  public long blockNumber() throws ChainException {
    return check(io(() -> web3.ethBlockNumber().send())).getBlockNumber().longValueExact();
  }

  /** The latest block's timestamp, in seconds since 1970: the contracts' clock. */
  public long latestBlockTime() throws ChainException {
    var block =
        check(
            io(
                () ->
                    web3.ethGetBlockByNumber(
                            org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
                        .send()));
    return block.getBlock().getTimestamp().longValueExact();
  }

  /**
   * On a local development chain, moves the chain's clock forward and mines a block (a withdrawal
   * notice passes without waiting); refused on any other chain.
   */
  public void advanceTimeOnDevChain(java.time.Duration by) throws ChainException {
    if (chainId != DEV_CHAIN_ID) {
      throw new ChainException("chain " + chainId + " is not a local development chain");
    }
    check(
        io(
            new org.web3j.protocol.core.Request<>(
                    "evm_increaseTime",
                    List.of(by.toSeconds()),
                    service,
                    org.web3j.protocol.core.methods.response.VoidResponse.class)
                ::send));
    check(
        io(
            new org.web3j.protocol.core.Request<>(
                    "evm_mine",
                    List.of(),
                    service,
                    org.web3j.protocol.core.methods.response.VoidResponse.class)
                ::send));
  }

  /**
   * On anvil's chain, gives an identity without ETH enough for gas; elsewhere does nothing (the
   * identity must be funded by its owner).
   *
   * @return whether ETH was given
   */
  public boolean fundGasOnDevChain(String address) throws ChainException {
    if (chainId != DEV_CHAIN_ID || etherBalance(address).signum() != 0) {
      return false;
    }
    fundOnDevChain(address, DEV_GAS);
    return true;
  }

  public void fundOnDevChain(String address, BigInteger wei) throws ChainException {
    if (chainId != DEV_CHAIN_ID) {
      throw new ChainException(
          "chain "
              + chainId
              + " is not a local development chain: fund "
              + address
              + " with ETH yourself");
    }
    var request =
        new org.web3j.protocol.core.Request<>(
            "anvil_setBalance",
            List.of(address, Numeric.toHexStringWithPrefix(wei)),
            service,
            org.web3j.protocol.core.methods.response.VoidResponse.class);
    check(io(request::send));
  }

  public BigInteger etherBalance(String address) throws ChainException {
    return check(io(() -> web3.ethGetBalance(address, DefaultBlockParameterName.LATEST).send()))
        .getBalance();
  }

  /** eth_call at the latest block; returns the result data, or throws the named revert. */
  public String call(String to, String data) throws ChainException {
    EthCall result =
        io(
            () ->
                web3.ethCall(
                        Transaction.createEthCallTransaction(null, to, data),
                        DefaultBlockParameterName.LATEST)
                    .send());
    if (result.hasError()) {
      throw revert(result.getError());
    }
    return result.getValue();
  }

  /** Deploys creation code (with its encoded constructor arguments); returns the receipt. */
  public TransactionReceipt deploy(Credentials from, String creationCode) throws ChainException {
    return send(from, null, creationCode);
  }

  /**
   * What a transaction may cost at most: the gas it needs (estimated by running it, with a quarter
   * more as margin) times the most it would pay per gas now.
   */
  public record FeeEstimate(BigInteger gas, BigInteger maxFeePerGas) {
    public BigInteger maxWei() {
      return gas.multiply(maxFeePerGas);
    }
  }

  /**
   * Estimates a call's fee without sending it; a call that would revert fails here with the
   * Solidity error's name.
   */
  public FeeEstimate estimate(String from, ContractCall call) throws ChainException {
    BigInteger gas = gasLimit(from, pendingNonce(from), call.to(), call.data());
    return new FeeEstimate(gas, fees().maxFeePerGas());
  }

  /** Sends a prepared call (see {@link #estimate}) and waits for its receipt. */
  public TransactionReceipt send(Credentials from, ContractCall call) throws ChainException {
    return send(from, call.to(), call.data());
  }

  /**
   * Signs and sends a transaction and waits for its receipt. The gas is estimated first, which also
   * runs the transaction: if it would revert, nothing is sent and the error is named.
   */
  public TransactionReceipt send(Credentials from, String to, String data) throws ChainException {
    BigInteger gasLimit = gasLimit(from.getAddress(), null, to, data);
    String hash = signAndSend(from, gasLimit, to, data);
    TransactionReceipt receipt = awaitReceipt(from.getAddress(), hash);
    if (!receipt.isStatusOK()) {
      throw replayedRevert(from, to, data, receipt);
    }
    return receipt;
  }

  /**
   * Takes the sender's next nonce and sends, under the sender's lock: concurrent sends from one
   * account (e.g. clearings of several sessions) get consecutive nonces instead of the same pending
   * count. The receipt is awaited outside the lock, so they are mined together.
   */
  private String signAndSend(Credentials from, BigInteger gasLimit, String to, String data)
      throws ChainException {
    Nonces nonces = senders.computeIfAbsent(key(from.getAddress()), k -> new Nonces());
    nonces.lock.lock();
    try {
      BigInteger pending = pendingNonce(from.getAddress());
      // The node's pending count may lag what was just sent (a load-balanced RPC): never reuse.
      BigInteger nonce =
          nonces.next == null || nonces.next.compareTo(pending) < 0 ? pending : nonces.next;
      RawTransaction raw = transaction(nonce, gasLimit, to, data);
      String signed = Numeric.toHexString(TransactionEncoder.signMessage(raw, chainId, from));
      EthSendTransaction sent = io(() -> web3.ethSendRawTransaction(signed).send());
      if (sent.hasError()) { // the catch below learns the nonce from the chain again
        throw new ChainException(
            "the chain refused the transaction: " + sent.getError().getMessage());
      }
      nonces.next = nonce.add(BigInteger.ONE);
      return sent.getTransactionHash();
    } catch (ChainException | RuntimeException e) {
      nonces.next = null;
      throw e;
    } finally {
      nonces.lock.unlock();
    }
  }

  /** One sender's nonce: the next one to use, once a transaction of this client took one. */
  private static final class Nonces {
    final java.util.concurrent.locks.ReentrantLock lock =
        new java.util.concurrent.locks.ReentrantLock();
    BigInteger next; // guarded by lock
  }

  private static String key(String address) {
    return address.toLowerCase(java.util.Locale.ROOT);
  }

  private BigInteger pendingNonce(String from) throws ChainException {
    return check(
            io(() -> web3.ethGetTransactionCount(from, DefaultBlockParameterName.PENDING).send()))
        .getTransactionCount();
  }

  private BigInteger gasLimit(String from, BigInteger nonce, String to, String data)
      throws ChainException {
    EthEstimateGas estimate =
        io(
            () ->
                web3.ethEstimateGas(
                        Transaction.createFunctionCallTransaction(
                            from, nonce, null, null, to, BigInteger.ZERO, data))
                    .send());
    if (estimate.hasError()) {
      throw revert(estimate.getError());
    }
    return estimate.getAmountUsed().multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4));
  }

  /** The tip and the most per gas (a legacy chain: the gas price for both; its tip is null). */
  private record Fees(BigInteger tip, BigInteger maxFeePerGas) {}

  /**
   * EIP-1559 where the chain has a base fee: pay up to twice the current base fee plus the node's
   * suggested tip, so the transaction survives a few rising blocks and never overpays the tip.
   */
  private Fees fees() throws ChainException {
    var latest =
        check(io(() -> web3.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()))
            .getBlock();
    String baseFee = latest == null ? null : latest.getBaseFeePerGasRaw();
    if (baseFee == null) {
      return new Fees(null, check(io(() -> web3.ethGasPrice().send())).getGasPrice());
    }
    BigInteger tip =
        check(io(() -> web3.ethMaxPriorityFeePerGas().send())).getMaxPriorityFeePerGas();
    return new Fees(tip, Numeric.decodeQuantity(baseFee).shiftLeft(1).add(tip));
  }

  private RawTransaction transaction(BigInteger nonce, BigInteger gasLimit, String to, String data)
      throws ChainException {
    Fees fees = fees();
    if (fees.tip() == null) {
      return to == null
          ? RawTransaction.createContractTransaction(
              nonce, fees.maxFeePerGas(), gasLimit, BigInteger.ZERO, data)
          : RawTransaction.createTransaction(
              nonce, fees.maxFeePerGas(), gasLimit, to, BigInteger.ZERO, data);
    }
    return RawTransaction.createTransaction(
        chainId,
        nonce,
        gasLimit,
        to == null ? "" : to,
        BigInteger.ZERO,
        data,
        fees.tip(),
        fees.maxFeePerGas());
  }

  private TransactionReceipt awaitReceipt(String sender, String hash) throws ChainException {
    long deadline = System.nanoTime() + RECEIPT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<TransactionReceipt> receipt =
          check(io(() -> web3.ethGetTransactionReceipt(hash).send())).getTransactionReceipt();
      if (receipt.isPresent()) {
        return receipt.get();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChainException("interrupted while waiting for transaction " + hash);
      }
    }
    // Perhaps dropped: the sender's next nonce is learnt from the chain again.
    Nonces nonces = senders.get(key(sender));
    if (nonces != null) {
      nonces.lock.lock();
      try {
        nonces.next = null;
      } finally {
        nonces.lock.unlock();
      }
    }
    throw new ChainException(
        "transaction " + hash + " was not mined within " + RECEIPT_TIMEOUT.toSeconds() + " s");
  }

  /** Runs a reverted transaction again as a call in its block, to learn the error's name. */
  private ChainException replayedRevert(
      Credentials from, String to, String data, TransactionReceipt receipt) throws ChainException {
    EthCall replay =
        io(
            () ->
                web3.ethCall(
                        Transaction.createEthCallTransaction(from.getAddress(), to, data),
                        DefaultBlockParameter.valueOf(
                            receipt.getBlockNumber().subtract(BigInteger.ONE)))
                    .send());
    return replay.hasError()
        ? revert(replay.getError())
        : new ChainException("transaction " + receipt.getTransactionHash() + " reverted");
  }

  private ChainException revert(Response.Error error) {
    // The revert data is in the error's data (a JSON string) or, from some nodes, only in the
    // message ("execution reverted: custom error 0x5f3b6d93...").
    for (String text : new String[] {String.valueOf(error.getData()), error.getMessage()}) {
      java.util.regex.Matcher hex = REVERT_DATA.matcher(text == null ? "" : text);
      if (hex.find()) {
        return reverts.decode(hex.group());
      }
    }
    return new ChainException("the chain refused: " + error.getMessage());
  }

  private <T extends Response<?>> T check(T response) throws ChainException {
    if (response.hasError()) {
      throw new ChainException(
          "the chain refused: " + scrubbed(rpc, response.getError().getMessage()));
    }
    return response;
  }

  private interface Rpc<T> {
    T send() throws IOException;
  }

  private <T> T io(Rpc<T> request) throws ChainException {
    try {
      return request.send();
    } catch (IOException | ClientConnectionException e) { // the latter: an HTTP error status
      throw unreachable(rpc, e);
    }
  }

  private static ChainException unreachable(URI rpc, Exception e) {
    String text = "cannot reach the chain at " + redacted(rpc) + ": " + reason(rpc, e);
    String message = e.getMessage();
    // a cause whose own text carries part of the URL stays out: causes are logged with stacks
    return message != null && !scrubbed(rpc, message).equals(message)
        ? new ChainException(text)
        : new ChainException(text, e);
  }

  private static String reason(URI rpc, Exception e) {
    String message = e.getMessage();
    if (e instanceof java.net.ConnectException
        || (message != null && message.contains("Failed to connect"))) {
      return "connection refused";
    }
    return message == null ? e.getClass().getSimpleName() : scrubbed(rpc, message);
  }

  @Override
  public void close() {
    web3.shutdown();
  }
}
