package network.mysterium.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.crypto.Address;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The test-only {@code EventFixture.sol}, compiled with the checkout's pinned solc and deployed on
 * a test's anvil: it emits the followed events with their real signatures, as many per transaction
 * as asked.
 */
final class EventFixtureContract {
  private static final BigInteger GAS_PRICE = BigInteger.valueOf(3_000_000_000L);
  private final Web3j web3;
  private final Credentials sender;
  private final long chainId;
  final Address address;

  private EventFixtureContract(Web3j web3, Credentials sender, long chainId, Address address) {
    this.web3 = web3;
    this.sender = sender;
    this.chainId = chainId;
    this.address = address;
  }

  static EventFixtureContract deploy(Web3j web3, long chainId) throws Exception {
    Credentials sender = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    TransactionReceipt receipt = send(web3, sender, chainId, null, compile());
    return new EventFixtureContract(
        web3, sender, chainId, Address.parse(receipt.getContractAddress()));
  }

  private static String bytecode;

  /** The bytecode, from solc (the npm package the contracts module pins), compiled once per run. */
  static synchronized String compile() throws IOException, InterruptedException {
    if (bytecode == null) {
      bytecode = compileNow();
    }
    return bytecode;
  }

  private static String compileNow() throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("mysterium.root.dir", ".."));
    Path source = root.resolve("node-core/src/test/resources/chain/EventFixture.sol");
    Path out = Files.createTempDirectory("event-fixture");
    Process solc =
        new ProcessBuilder(
                "node",
                root.resolve("contracts/node_modules/solc/solc.js").toString(),
                "--bin",
                "--optimize",
                "-o",
                out.toString(),
                source.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String output = new String(solc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!solc.waitFor(60, TimeUnit.SECONDS) || solc.exitValue() != 0) {
        throw new IOException("solc failed: " + output);
      }
    } finally {
      solc.destroyForcibly();
    }
    try (var files = Files.list(out)) {
      Path bin =
          files.filter(p -> p.toString().endsWith("_EventFixture.bin")).findFirst().orElseThrow();
      return "0x" + Files.readString(bin).strip();
    }
  }

  TransactionReceipt register(Address identity, byte[] publicKey, BigInteger stake)
      throws Exception {
    return call(
        "register",
        new org.web3j.abi.datatypes.Address(identity.toString()),
        new DynamicBytes(publicKey),
        new Uint256(stake));
  }

  TransactionReceipt announce(long serial, byte[] proposal) throws Exception {
    return announce(BigInteger.valueOf(serial), proposal);
  }

  /** Any uint64 serial, as the event's type allows (2^64 - 1 included). */
  TransactionReceipt announce(BigInteger serial, byte[] proposal) throws Exception {
    return call("announce", new Uint64(serial), new DynamicBytes(proposal));
  }

  /** A log with exactly these topics (32 bytes each) and data. */
  TransactionReceipt rawLog(List<byte[]> topics, byte[] data) throws Exception {
    return call(
        "rawLog",
        new org.web3j.abi.datatypes.DynamicArray<>(
            org.web3j.abi.datatypes.generated.Bytes32.class,
            topics.stream().map(org.web3j.abi.datatypes.generated.Bytes32::new).toList()),
        new DynamicBytes(data));
  }

  TransactionReceipt deposit(Address identity, BigInteger amount) throws Exception {
    return call(
        "deposit", new org.web3j.abi.datatypes.Address(identity.toString()), new Uint256(amount));
  }

  TransactionReceipt clear(Address issuer, Address benefiter, long serial, long paid, long fee)
      throws Exception {
    return call(
        "clear",
        new org.web3j.abi.datatypes.Address(issuer.toString()),
        new org.web3j.abi.datatypes.Address(benefiter.toString()),
        new Uint256(serial),
        new Uint256(paid),
        new Uint256(fee));
  }

  TransactionReceipt withdraw(Address identity, Address to, long amount) throws Exception {
    return call(
        "withdraw",
        new org.web3j.abi.datatypes.Address(identity.toString()),
        new org.web3j.abi.datatypes.Address(to.toString()),
        new Uint256(amount));
  }

  TransactionReceipt depositMany(Address identity, int count) throws Exception {
    return call(
        "depositMany",
        new org.web3j.abi.datatypes.Address(identity.toString()),
        new Uint256(count));
  }

  private TransactionReceipt call(String name, Type<?>... args) throws Exception {
    String data = FunctionEncoder.encode(new Function(name, List.of(args), List.of()));
    return send(web3, sender, chainId, address.toString(), data);
  }

  private static TransactionReceipt send(
      Web3j web3, Credentials sender, long chainId, String to, String data) throws Exception {
    BigInteger nonce =
        web3.ethGetTransactionCount(sender.getAddress(), DefaultBlockParameterName.PENDING)
            .send()
            .getTransactionCount();
    BigInteger gas = BigInteger.valueOf(29_000_000);
    RawTransaction raw =
        to == null
            ? RawTransaction.createContractTransaction(nonce, GAS_PRICE, gas, BigInteger.ZERO, data)
            : RawTransaction.createTransaction(nonce, GAS_PRICE, gas, to, BigInteger.ZERO, data);
    String signed = Numeric.toHexString(TransactionEncoder.signMessage(raw, chainId, sender));
    EthSendTransaction sent = web3.ethSendRawTransaction(signed).send();
    if (sent.hasError()) {
      throw new IOException("transaction refused: " + sent.getError().getMessage());
    }
    TransactionReceipt receipt = awaitReceipt(web3, sent.getTransactionHash());
    if (!receipt.isStatusOK()) {
      throw new IOException("transaction reverted: " + receipt.getTransactionHash());
    }
    return receipt;
  }

  /** anvil mines each transaction at once, but its receipt may take a moment to be served. */
  private static TransactionReceipt awaitReceipt(Web3j web3, String hash) throws Exception {
    for (int attempt = 0; attempt < 200; attempt++) {
      var receipt = web3.ethGetTransactionReceipt(hash).send().getTransactionReceipt();
      if (receipt.isPresent()) {
        return receipt.get();
      }
      Thread.sleep(25);
    }
    throw new IOException("no receipt for " + hash + " after 5 s");
  }
}
